// JSON answers with the headers every operations answer carries: no-store (they may describe PHI
// after a reveal) and nosniff; errors in one shape; null-or-value helpers for optional fields.
#include "gateway/ops/ops_responses.hpp"

#include "gateway/domain/timestamps.hpp"

#include <boost/json.hpp>

namespace relay::ops {

boost::json::value json_instant(const std::optional<domain::EpochMicros>& at) {
  if (!at) return nullptr;
  return boost::json::value(domain::format_iso8601_utc(*at));
}

boost::json::value json_text_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

http::Response json_response(beast_http::status status, const boost::json::value& body,
                             unsigned version) {
  http::Response response{status, version};
  response.set(beast_http::field::content_type, "application/json; charset=utf-8");
  response.set(beast_http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.body() = boost::json::serialize(body);
  response.prepare_payload();
  return response;
}

http::Response error_response(beast_http::status status, std::string_view code,
                              std::string_view message, unsigned version,
                              std::optional<std::string_view> field) {
  boost::json::object body{{"error", code}, {"message", message}};
  if (field) body["field"] = *field;
  return json_response(status, body, version);
}

OpsError OpsError::bad_field(std::string field, std::string message) {
  return {beast_http::status::bad_request, "bad_request", std::move(message), std::move(field)};
}

OpsError OpsError::not_found(std::string message) {
  return {beast_http::status::not_found, "not_found", std::move(message), std::nullopt};
}

OpsError OpsError::conflict(std::string message) {
  return {beast_http::status::conflict, "conflict", std::move(message), std::nullopt};
}

http::Response OpsError::to_response(unsigned version) const {
  return error_response(status, code, message, version,
                        field ? std::optional<std::string_view>(*field) : std::nullopt);
}

}  // namespace relay::ops
