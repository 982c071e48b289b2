// The shared pacer's SQL, one named constant per statement: the relay_pacer row (locked for each
// update) and relay_pacer_grants, one row per send slot granted and not answered yet.
#include "adapters/postgres/pacer_repository.hpp"

#include "adapters/postgres/array_literal.hpp"
#include "adapters/postgres/prepared.hpp"

namespace relay::pg {
namespace {

constexpr const char* pacer_create = R"sql(
INSERT INTO relay_pacer (account, send_limit, window_micros) VALUES ($1, $2, $3)
ON CONFLICT (account) DO NOTHING)sql";

constexpr const char* pacer_lock = R"sql(
SELECT send_limit, window_micros, next_even_slot, known_window_end, remaining_in_known_window,
       blocked_until, in_flight, last_grant_micros
FROM relay_pacer WHERE account = $1 FOR UPDATE)sql";

constexpr const char* pacer_read = R"sql(
SELECT send_limit, window_micros, next_even_slot, known_window_end, remaining_in_known_window,
       blocked_until, in_flight, last_grant_micros
FROM relay_pacer WHERE account = $1)sql";

constexpr const char* pacer_grants_count_live = R"sql(
SELECT count(*) FROM relay_pacer_grants
WHERE account = $1 AND granted_at >= clock_timestamp() - $2::integer * interval '1 second')sql";

constexpr const char* pacer_store = R"sql(
UPDATE relay_pacer SET send_limit = $2, window_micros = $3, next_even_slot = $4,
  known_window_end = $5, remaining_in_known_window = $6, blocked_until = $7, in_flight = $8,
  last_grant_micros = $9, updated_at = now()
WHERE account = $1)sql";

constexpr const char* pacer_grants_expire = R"sql(
DELETE FROM relay_pacer_grants
WHERE account = $1 AND granted_at < clock_timestamp() - $2::integer * interval '1 second')sql";

constexpr const char* pacer_grants_live =
    "SELECT count(*) FROM relay_pacer_grants WHERE account = $1";

constexpr const char* pacer_grants_add = R"sql(
INSERT INTO relay_pacer_grants (account) SELECT $1 FROM generate_series(1, $2) RETURNING id)sql";

constexpr const char* pacer_grants_remove =
    "DELETE FROM relay_pacer_grants WHERE id = ANY($1::bigint[])";

}  // namespace

PacerRow PacerRepository::lock_pacer(pqxx::work& tx, const std::string& account,
                                     std::int64_t send_limit, std::int64_t window_micros) {
  exec_prepared0(tx, pacer_create, account, send_limit, window_micros);
  const auto row = exec_prepared1(tx, pacer_lock, account);
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
          row[3].as<std::int64_t>(), row[4].as<std::int64_t>(), row[5].as<std::int64_t>(),
          row[6].as<std::int64_t>(), row[7].as<std::int64_t>()};
}

std::optional<PacerRow> PacerRepository::read_pacer(pqxx::transaction_base& tx,
                                                    const std::string& account) {
  const auto result = exec_prepared(tx, pacer_read, account);
  if (result.empty()) return std::nullopt;
  const auto row = result[0];
  return PacerRow{row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                  row[3].as<std::int64_t>(), row[4].as<std::int64_t>(), row[5].as<std::int64_t>(),
                  row[6].as<std::int64_t>(), row[7].as<std::int64_t>()};
}

std::int64_t PacerRepository::count_live_pacer_grants(pqxx::transaction_base& tx,
                                                      const std::string& account,
                                                      std::chrono::seconds max_age) {
  return exec_prepared1(tx, pacer_grants_count_live, account, static_cast<int>(max_age.count()))[0]
      .as<std::int64_t>();
}

void PacerRepository::store_pacer(pqxx::work& tx, const std::string& account, const PacerRow& row) {
  exec_prepared0(tx, pacer_store, account, row.send_limit, row.window_micros, row.next_even_slot,
                 row.known_window_end, row.remaining_in_known_window, row.blocked_until,
                 row.in_flight, row.last_grant_micros);
}

std::int64_t PacerRepository::live_pacer_grants(pqxx::work& tx, const std::string& account,
                                                std::chrono::seconds max_age) {
  exec_prepared0(tx, pacer_grants_expire, account, static_cast<int>(max_age.count()));
  return exec_prepared1(tx, pacer_grants_live, account)[0].as<std::int64_t>();
}

std::vector<std::int64_t> PacerRepository::add_pacer_grants(pqxx::work& tx,
                                                            const std::string& account, int count) {
  std::vector<std::int64_t> ids;
  if (count <= 0) return ids;
  for (const auto& row : exec_prepared(tx, pacer_grants_add, account, count)) {
    ids.push_back(row[0].as<std::int64_t>());
  }
  return ids;
}

void PacerRepository::remove_pacer_grants(pqxx::work& tx,
                                          const std::vector<std::int64_t>& grant_ids) {
  exec_prepared0(tx, pacer_grants_remove, bigint_array_literal(grant_ids));
}

}  // namespace relay::pg
