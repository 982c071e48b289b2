// The audit listing's SQL: every filter optional ("$n IS NULL OR ..."; PostgreSQL plans each call
// with its values), so each combination reaches one of the indexes on actor, event, entity or time.
#include "adapters/postgres/audit_listing.hpp"

#include "adapters/postgres/message_rows.hpp"

namespace relay::pg {
namespace {

#define RELAY_PG_AT(n) "(timestamptz 'epoch' + $" #n "::bigint * interval '1 microsecond')"

constexpr const char* audit_page =
    "SELECT id, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor, entity_type,"
    " entity_id, event, detail::text FROM audit_events"
    " WHERE ($1::text IS NULL OR actor = $1)"
    " AND ($2::text IS NULL OR event = $2)"
    " AND ($3::text IS NULL OR entity_type = $3)"
    " AND ($4::text IS NULL OR entity_id = $4)"
    " AND ($5::bigint IS NULL OR occurred_at >= " RELAY_PG_AT(5) ")"
    " AND ($6::bigint IS NULL OR occurred_at < " RELAY_PG_AT(6) ")"
    " AND ($7::bigint IS NULL OR (occurred_at <= " RELAY_PG_AT(7) " AND (occurred_at, id) < (" RELAY_PG_AT(
        7) ", $8::bigint)))"
    " ORDER BY occurred_at DESC, id DESC LIMIT $9";

#undef RELAY_PG_AT

}  // namespace

boost::asio::awaitable<AuditPage> AuditListing::list(const AuditQuery& query) {
  co_return co_await pool_.run([&query](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::optional<std::int64_t> after_at;
    std::optional<std::int64_t> after_id;
    if (query.after) {
      after_at = query.after->at;
      after_id = query.after->id;
    }
    AuditPage page;
    const auto rows =
        tx.exec_params(audit_page, query.actor, query.event, query.entity_type, query.entity_id,
                       query.window.from, query.window.to, after_at, after_id, query.limit + 1);
    for (const auto& row : rows) {
      if (static_cast<int>(page.rows.size()) == query.limit) {
        const auto& last = page.rows.back();
        page.next = KeysetPosition{last.at, last.id};
        break;
      }
      page.rows.push_back({row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                           row[2].as<std::string>(), row[3].as<std::string>(),
                           row[4].as<std::string>(), row[5].as<std::string>(),
                           row[6].as<std::string>()});
    }
    tx.commit();
    return page;
  });
}

}  // namespace relay::pg
