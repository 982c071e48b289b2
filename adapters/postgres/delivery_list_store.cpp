// SQL of the operators' delivery listing: the shared filter text, the keyset condition on
// (created_at, id) that the (created_at, id) indexes serve backwards, and the total in the same
// snapshot as the page.
#include "adapters/postgres/delivery_list_store.hpp"

#include "adapters/postgres/delivery_filter_sql.hpp"
#include "adapters/postgres/message_rows.hpp"

namespace relay::pg {
namespace {

constexpr const char* delivery_list_columns = R"sql(
SELECT d.id, d.message_id::text, v.name, m.from_external_id, d.patient_position,
       d.patient_external_id, d.state, d.priority, d.attempts,
       (extract(epoch FROM d.next_attempt_at) * 1000000)::bigint,
       (extract(epoch FROM d.created_at) * 1000000)::bigint,
       (extract(epoch FROM d.updated_at) * 1000000)::bigint,
       (extract(epoch FROM d.accepted_at) * 1000000)::bigint,
       (extract(epoch FROM d.completed_at) * 1000000)::bigint,
       coalesce((SELECT string_agg(s.metriport_message_id, ',' ORDER BY s.part)
                 FROM delivery_sends s
                 WHERE s.delivery_id = d.id AND s.metriport_message_id IS NOT NULL), ''),
       d.flagged_at IS NOT NULL, d.last_error)sql";

// $8/$9: the cursor (created_at in microseconds, id), both NULL for the first page; $10 the limit.
constexpr const char* delivery_list_page = R"sql(
  AND ($8::bigint IS NULL
       OR (d.created_at, d.id) < (timestamptz 'epoch' + $8::bigint * interval '1 microsecond',
                                  $9::bigint))
ORDER BY d.created_at DESC, d.id DESC
LIMIT $10)sql";

constexpr const char* delivery_list_count = "SELECT count(*)";

const std::string& list_sql() {
  static const std::string sql =
      std::string(delivery_list_columns) + delivery_filter_from_where + delivery_list_page;
  return sql;
}

const std::string& count_sql() {
  static const std::string sql = std::string(delivery_list_count) + delivery_filter_from_where;
  return sql;
}

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> ids;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto comma = text.find(',', start);
    ids.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return ids;
}

DeliveryListRow row_from(const pqxx::row& row) {
  DeliveryListRow out;
  out.id = row[0].as<std::int64_t>();
  out.message_id = row[1].as<std::string>();
  out.vendor = row[2].as<std::string>();
  out.sender = row[3].as<std::string>();
  out.patient_position = row[4].as<int>();
  out.patient_external_id = row[5].as<std::string>();
  out.state = row[6].as<std::string>();
  out.priority = row[7].as<int>();
  out.attempts = row[8].as<int>();
  out.next_attempt_at = nullable<std::int64_t>(row[9]);
  out.created_at = row[10].as<std::int64_t>();
  out.updated_at = row[11].as<std::int64_t>();
  out.accepted_at = nullable<std::int64_t>(row[12]);
  out.completed_at = nullable<std::int64_t>(row[13]);
  out.metriport_message_ids = split_ids(row[14].as<std::string>());
  out.flagged = row[15].as<bool>();
  out.last_error = nullable<std::string>(row[16]);
  return out;
}

}  // namespace

boost::asio::awaitable<DeliveryListPage> DeliveryListStore::list(
    const domain::ops::DeliveryFilter& filter,
    const std::optional<domain::ops::DeliveryCursor>& after, int limit) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    // One snapshot for the page and the total, so they agree.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(connection);
    const DeliveryFilterParams params = filter_params(filter);
    std::optional<std::int64_t> after_created;
    std::optional<std::int64_t> after_id;
    if (after) {
      after_created = after->created_at;
      after_id = after->id;
    }
    DeliveryListPage page;
    // One row more than asked: whether another page follows.
    const auto rows = exec_filtered(tx, list_sql(), params, after_created, after_id, limit + 1);
    for (const auto& row : rows) {
      if (static_cast<int>(page.rows.size()) == limit) {
        const auto& last = page.rows.back();
        page.next = domain::ops::DeliveryCursor{last.created_at, last.id};
        break;
      }
      page.rows.push_back(row_from(row));
    }
    page.total = exec_filtered(tx, count_sql(), params)[0][0].as<std::int64_t>();
    return page;
  });
}

}  // namespace relay::pg
