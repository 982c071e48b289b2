// Reads the parameters (400 naming the first bad one), lists a page and answers it with the cursor
// of the next page (null on the last).
#include "gateway/ops/webhook_endpoints.hpp"

#include <boost/json.hpp>

#include "gateway/domain/timestamps.hpp"
#include "gateway/ops/ops_responses.hpp"
#include "gateway/ops/query_reader.hpp"

namespace relay::ops {
namespace {

namespace json = boost::json;

json::value next_cursor(const std::optional<pg::KeysetPosition>& next) {
  if (!next) return nullptr;
  return json::value(encode_cursor({next->at, next->id}));
}

std::optional<pg::KeysetPosition> keyset(const std::optional<PageCursor>& cursor) {
  if (!cursor) return std::nullopt;
  return pg::KeysetPosition{cursor->at_micros, cursor->id};
}

}  // namespace

boost::asio::awaitable<http::Response> WebhookEndpoints::events(OpsRequest& request) {
  QueryReader reader(request.target, {"type", "outcome", "from", "to", "cursor", "limit"});
  pg::WebhookQuery query;
  query.type = reader.text("type", 100);
  query.outcome = reader.text("outcome", 50);
  query.window.from = reader.instant("from");
  query.window.to = reader.instant("to");
  reader.require_order(query.window.from, query.window.to);
  query.after = keyset(reader.cursor());
  query.limit = reader.limit();
  if (reader.error()) co_return reader.error()->to_response(request.version());

  const auto page = co_await listing_.events(query);
  json::array events;
  for (const auto& event : page.rows) {
    events.push_back(
        json::object{{"id", event.id},
                     {"event_id", event.event_id},
                     {"type", event.event_type},
                     {"metriport_message_id", json_text_or_null(event.metriport_message_id)},
                     {"outcome", event.outcome.value_or("new")},
                     {"received_at", domain::format_iso8601_utc(event.received_at)},
                     {"applied_at", json_instant(event.applied_at)},
                     {"times_delivered", event.deliveries}});
  }
  json::array counts;
  for (const auto& tally : page.counts) {
    counts.push_back(json::object{
        {"type", tally.event_type}, {"outcome", tally.outcome}, {"count", tally.count}});
  }
  json::object body{{"events", std::move(events)},
                    {"next_cursor", next_cursor(page.next)},
                    {"counts", json::object{{"from", domain::format_iso8601_utc(page.counted_from)},
                                            {"to", domain::format_iso8601_utc(page.counted_to)},
                                            {"by_type_and_outcome", std::move(counts)}}}};
  co_return json_response(beast_http::status::ok, body, request.version());
}

boost::asio::awaitable<http::Response> WebhookEndpoints::rejections(OpsRequest& request) {
  QueryReader reader(request.target, {"from", "to", "cursor", "limit"});
  pg::RejectionQuery query;
  query.window.from = reader.instant("from");
  query.window.to = reader.instant("to");
  reader.require_order(query.window.from, query.window.to);
  query.after = keyset(reader.cursor());
  query.limit = reader.limit();
  if (reader.error()) co_return reader.error()->to_response(request.version());

  const auto page = co_await listing_.rejections(query);
  json::array rejections;
  for (const auto& rejection : page.rows) {
    rejections.push_back(
        json::object{{"id", rejection.id},
                     {"received_at", domain::format_iso8601_utc(rejection.received_at)},
                     {"reason", rejection.reason},
                     {"body_bytes", rejection.body_bytes},
                     {"body_sha256", rejection.body_sha256}});
  }
  json::object body{{"rejections", std::move(rejections)}, {"next_cursor", next_cursor(page.next)}};
  co_return json_response(beast_http::status::ok, body, request.version());
}

}  // namespace relay::ops
