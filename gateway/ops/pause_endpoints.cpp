// The pause body is optional and strict: nothing (or {}) is the global pause, {"vendor": NAME} one
// vendor's; any other member or type is refused naming it.
#include "gateway/ops/pause_endpoints.hpp"

#include <boost/json.hpp>

#include "gateway/domain/timestamps.hpp"
#include "gateway/log/log.hpp"
#include "gateway/ops/ops_responses.hpp"

namespace relay::ops {
namespace {

constexpr std::size_t max_vendor_name_chars = 200;

struct PauseScope {
  std::optional<std::string> vendor;
};

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::variant<PauseScope, OpsError> parse_scope(const http::Request& request) {
  const std::string& body = request.body();
  if (is_blank(body)) return PauseScope{};
  if (!request[beast_http::field::content_type].starts_with("application/json")) {
    return OpsError{beast_http::status::unsupported_media_type, "unsupported_media_type",
                    "The body, when given, must be application/json.", std::nullopt};
  }
  boost::system::error_code ec;
  const auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) {
    return OpsError::bad_field("body", "The body must be a JSON object.");
  }
  PauseScope scope;
  for (const auto& [key, item] : value.get_object()) {
    if (key != "vendor")
      return OpsError::bad_field(std::string(key).substr(0, 64), "Unknown field.");
    if (!item.is_string() || item.get_string().empty() ||
        item.get_string().size() > max_vendor_name_chars) {
      return OpsError::bad_field("vendor", "Must be a vendor name of 1 to 200 characters.");
    }
    scope.vendor = std::string(item.get_string());
  }
  return scope;
}

}  // namespace

boost::asio::awaitable<http::Response> PauseEndpoint::operator()(OpsRequest& request) {
  const unsigned version = request.version();
  const auto parsed = parse_scope(request.http);
  if (const auto* refused = std::get_if<OpsError>(&parsed)) co_return refused->to_response(version);
  const std::optional<std::string> vendor = std::get<PauseScope>(parsed).vendor;
  const std::string actor = request.actor();
  pg::PauseChange change = pg::PauseChange::unchanged;
  if (pausing_) {
    change = co_await store_.pause(vendor, actor);
  } else {
    change = co_await store_.resume(vendor, actor);
  }
  if (change == pg::PauseChange::unknown_vendor) {
    co_return OpsError{beast_http::status::not_found, "not_found", "No vendor has this name.",
                       "vendor"}
        .to_response(version);
  }
  log::info(pausing_ ? "ops.relay_paused" : "ops.relay_resumed",
            {{"scope", vendor ? "vendor" : "global"},
             {"changed", change == pg::PauseChange::changed ? "true" : "false"}});
  co_return json_response(beast_http::status::ok,
                          boost::json::object{{"scope", vendor ? "vendor" : "global"},
                                              {"vendor", json_text_or_null(vendor)},
                                              {"paused", pausing_},
                                              {"changed", change == pg::PauseChange::changed}},
                          version);
}

boost::asio::awaitable<http::Response> PauseListEndpoint::operator()(OpsRequest& request) {
  const auto pauses = co_await store_.list();
  boost::json::array rows;
  for (const auto& pause : pauses) {
    rows.push_back(boost::json::object{{"scope", pause.vendor ? "vendor" : "global"},
                                       {"vendor", json_text_or_null(pause.vendor)},
                                       {"paused_by", pause.paused_by},
                                       {"paused_at", domain::format_iso8601_utc(pause.paused_at)}});
  }
  co_return json_response(beast_http::status::ok, boost::json::object{{"pauses", std::move(rows)}},
                          request.version());
}

}  // namespace relay::ops
