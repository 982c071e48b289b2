// Reads the filters (400 naming the first bad one), lists one page and answers it with the next
// page's cursor; a detail that no longer parses is answered as an empty object, never as text.
#include "gateway/ops/audit_endpoint.hpp"

#include <boost/json.hpp>

#include "gateway/domain/timestamps.hpp"
#include "gateway/ops/ops_responses.hpp"
#include "gateway/ops/query_reader.hpp"

namespace relay::ops {

boost::asio::awaitable<http::Response> AuditEndpoint::operator()(OpsRequest& request) {
  QueryReader reader(request.target, {"actor", "action", "entity_type", "entity_id", "from", "to",
                                      "cursor", "limit"});
  pg::AuditQuery query;
  query.actor = reader.text("actor");
  query.event = reader.text("action", 100);
  query.entity_type = reader.text("entity_type", 50);
  query.entity_id = reader.text("entity_id");
  query.window.from = reader.instant("from");
  query.window.to = reader.instant("to");
  reader.require_order(query.window.from, query.window.to);
  if (const auto cursor = reader.cursor())
    query.after = pg::KeysetPosition{cursor->at_micros, cursor->id};
  query.limit = reader.limit();
  if (reader.error()) co_return reader.error()->to_response(request.version());

  const auto page = co_await listing_.list(query);
  boost::json::array events;
  for (const auto& event : page.rows) {
    boost::system::error_code ec;
    auto detail = boost::json::parse(event.detail_json, ec);
    if (ec) detail = boost::json::object{};
    events.push_back(boost::json::object{{"id", event.id},
                                         {"occurred_at", domain::format_iso8601_utc(event.at)},
                                         {"actor", event.actor},
                                         {"action", event.event},
                                         {"entity_type", event.entity_type},
                                         {"entity_id", event.entity_id},
                                         {"detail", std::move(detail)}});
  }
  boost::json::value next = nullptr;
  if (page.next) next = encode_cursor({page.next->at, page.next->id});
  co_return json_response(beast_http::status::ok,
                          boost::json::object{{"events", std::move(events)}, {"next_cursor", next}},
                          request.version());
}

}  // namespace relay::ops
