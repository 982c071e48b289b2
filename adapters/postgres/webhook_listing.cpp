// The listings' SQL: optional filters as "$n IS NULL OR ..." (PostgreSQL plans each call with its
// values and drops the unused ones), times as epoch microseconds, one row more than the page to
// know whether another follows.
#include "adapters/postgres/webhook_listing.hpp"

#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/message_rows.hpp"

namespace relay::pg {
namespace {

#define RELAY_PG_AT(n) "(timestamptz 'epoch' + $" #n "::bigint * interval '1 microsecond')"

constexpr const char* webhook_events_page =
    "SELECT id, metriport_event_id, event_type, metriport_message_id,"
    " (extract(epoch FROM received_at) * 1000000)::bigint,"
    " (extract(epoch FROM applied_at) * 1000000)::bigint, outcome, deliveries"
    " FROM webhook_events"
    " WHERE ($1::text IS NULL OR event_type = $1)"
    " AND ($2::text IS NULL OR coalesce(outcome, 'new') = $2)"
    " AND ($3::bigint IS NULL OR received_at >= " RELAY_PG_AT(3) ")"
    " AND ($4::bigint IS NULL OR received_at < " RELAY_PG_AT(4) ")"
    " AND ($5::bigint IS NULL OR (received_at <= " RELAY_PG_AT(5) " AND (received_at, id) < (" RELAY_PG_AT(
        5) ", $6::bigint)))"
    " ORDER BY received_at DESC, id DESC LIMIT $7";

constexpr const char* webhook_counts =
    "WITH bounds AS (SELECT coalesce(" RELAY_PG_AT(2) ", now()) AS upper)"
    " SELECT (extract(epoch FROM coalesce(" RELAY_PG_AT(1) ", b.upper - interval '24 hours'))"
    " * 1000000)::bigint, (extract(epoch FROM b.upper) * 1000000)::bigint,"
    " w.event_type, coalesce(w.outcome, 'new'), count(w.id)"
    " FROM bounds b LEFT JOIN webhook_events w"
    " ON w.received_at >= coalesce(" RELAY_PG_AT(1) ", b.upper - interval '24 hours')"
    " AND w.received_at < b.upper"
    " GROUP BY 1, 2, 3, 4 ORDER BY 3, 4";

constexpr const char* webhook_rejections_page =
    "SELECT id, (extract(epoch FROM received_at) * 1000000)::bigint, reason, body_bytes,"
    " body_sha256 FROM webhook_rejections"
    " WHERE ($1::bigint IS NULL OR received_at >= " RELAY_PG_AT(1) ")"
    " AND ($2::bigint IS NULL OR received_at < " RELAY_PG_AT(2) ")"
    " AND ($3::bigint IS NULL OR (received_at <= " RELAY_PG_AT(3) " AND (received_at, id) < (" RELAY_PG_AT(
        3) ", $4::bigint)))"
    " ORDER BY received_at DESC, id DESC LIMIT $5";

#undef RELAY_PG_AT

std::optional<std::int64_t> after_at(const std::optional<KeysetPosition>& after) {
  if (!after) return std::nullopt;
  return after->at;
}
std::optional<std::int64_t> after_id(const std::optional<KeysetPosition>& after) {
  if (!after) return std::nullopt;
  return after->id;
}

}  // namespace

boost::asio::awaitable<WebhookPage> WebhookListing::events(const WebhookQuery& query) {
  co_return co_await pool_.run([&query](pqxx::connection& connection) {
    SnapshotRead tx(connection);
    WebhookPage page;
    const auto rows = tx.exec_params(webhook_events_page, query.type, query.outcome,
                                     query.window.from, query.window.to, after_at(query.after),
                                     after_id(query.after), query.limit + 1);
    for (const auto& row : rows) {
      if (static_cast<int>(page.rows.size()) == query.limit) {
        const auto& last = page.rows.back();
        page.next = KeysetPosition{last.received_at, last.id};
        break;
      }
      page.rows.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                           row[2].as<std::string>(), nullable<std::string>(row[3]),
                           row[4].as<std::int64_t>(), nullable<std::int64_t>(row[5]),
                           nullable<std::string>(row[6]), row[7].as<int>()});
    }
    for (const auto& row : tx.exec_params(webhook_counts, query.window.from, query.window.to)) {
      page.counted_from = row[0].as<std::int64_t>();
      page.counted_to = row[1].as<std::int64_t>();
      if (row[2].is_null()) continue;  // the window holds no event
      page.counts.push_back(
          {row[2].as<std::string>(), row[3].as<std::string>(), row[4].as<std::int64_t>()});
    }
    tx.commit();
    return page;
  });
}

boost::asio::awaitable<RejectionPage> WebhookListing::rejections(const RejectionQuery& query) {
  co_return co_await pool_.run([&query](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    RejectionPage page;
    const auto rows = tx.exec_params(webhook_rejections_page, query.window.from, query.window.to,
                                     after_at(query.after), after_id(query.after), query.limit + 1);
    for (const auto& row : rows) {
      if (static_cast<int>(page.rows.size()) == query.limit) {
        const auto& last = page.rows.back();
        page.next = KeysetPosition{last.received_at, last.id};
        break;
      }
      page.rows.push_back({row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                           row[2].as<std::string>(), row[3].as<std::int64_t>(),
                           row[4].as<std::string>()});
    }
    tx.commit();
    return page;
  });
}

}  // namespace relay::pg
