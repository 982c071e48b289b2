// SQL of relay pauses: one row per scope (UNIQUE NULLS NOT DISTINCT on vendor_id makes the global
// pause unique too), each change with its audit event in the same transaction.
#include "adapters/postgres/relay_pause_store.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/message_rows.hpp"

namespace relay::pg {
namespace {

constexpr const char* vendor_id_by_name = "SELECT id FROM vendors WHERE name = $1";

constexpr const char* relay_pause_insert = R"sql(
INSERT INTO relay_pauses (vendor_id, paused_by) VALUES ($1, $2)
ON CONFLICT (vendor_id) DO NOTHING RETURNING id)sql";

constexpr const char* relay_pause_delete =
    "DELETE FROM relay_pauses WHERE vendor_id IS NOT DISTINCT FROM $1::bigint RETURNING id";

constexpr const char* relay_pauses_list = R"sql(
SELECT v.name, p.paused_by, (extract(epoch FROM p.paused_at) * 1000000)::bigint
FROM relay_pauses p LEFT JOIN vendors v ON v.id = p.vendor_id
ORDER BY p.vendor_id NULLS FIRST, p.paused_at)sql";

constexpr const char* relay_pauses_active = "SELECT vendor_id FROM relay_pauses";

struct Scope {
  bool known = true;
  std::optional<std::int64_t> vendor_id;
};

Scope scope_of(pqxx::work& tx, const std::optional<std::string>& vendor) {
  Scope scope;
  if (!vendor) return scope;
  const auto found = tx.exec_params(vendor_id_by_name, *vendor);
  if (found.empty()) return {false, std::nullopt};
  scope.vendor_id = found[0][0].as<std::int64_t>();
  return scope;
}

void audit(pqxx::work& tx, const std::string& actor, const std::optional<std::string>& vendor,
           const char* event, bool changed) {
  boost::json::object detail{{"scope", vendor ? "vendor" : "global"}, {"changed", changed}};
  if (vendor) detail["vendor"] = *vendor;
  append_audit_event(tx, {actor, "relay", vendor ? "vendor:" + *vendor : std::string("global"),
                          event, boost::json::serialize(detail)});
}

}  // namespace

bool PauseSet::covers(std::int64_t vendor_id) const {
  return global || std::find(vendor_ids.begin(), vendor_ids.end(), vendor_id) != vendor_ids.end();
}

boost::asio::awaitable<PauseChange> RelayPauseStore::pause(const std::optional<std::string>& vendor,
                                                           const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    const Scope scope = scope_of(tx, vendor);
    if (!scope.known) return PauseChange::unknown_vendor;
    const bool added = !tx.exec_params(relay_pause_insert, scope.vendor_id, actor).empty();
    audit(tx, actor, vendor, "relay.paused", added);
    tx.commit();
    return added ? PauseChange::changed : PauseChange::unchanged;
  });
}

boost::asio::awaitable<PauseChange> RelayPauseStore::resume(
    const std::optional<std::string>& vendor, const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    const Scope scope = scope_of(tx, vendor);
    if (!scope.known) return PauseChange::unknown_vendor;
    const bool lifted = !tx.exec_params(relay_pause_delete, scope.vendor_id).empty();
    audit(tx, actor, vendor, "relay.resumed", lifted);
    tx.commit();
    if (lifted) notify_relay(connection, "resumed");
    return lifted ? PauseChange::changed : PauseChange::unchanged;
  });
}

boost::asio::awaitable<std::vector<RelayPause>> RelayPauseStore::list() {
  co_return co_await pool_.run([](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::vector<RelayPause> pauses;
    for (const auto& row : tx.exec(relay_pauses_list)) {
      pauses.push_back(
          {nullable<std::string>(row[0]), row[1].as<std::string>(), row[2].as<std::int64_t>()});
    }
    return pauses;
  });
}

boost::asio::awaitable<PauseSet> RelayPauseStore::active() {
  co_return co_await pool_.run([](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    PauseSet set;
    for (const auto& row : tx.exec(relay_pauses_active)) {
      if (row[0].is_null()) {
        set.global = true;
      } else {
        set.vendor_ids.push_back(row[0].as<std::int64_t>());
      }
    }
    return set;
  });
}

}  // namespace relay::pg
