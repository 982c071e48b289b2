// Answers of the operations API: JSON built with Boost.JSON, never cached, and errors as
// {"error": <code>, "message": <text>, "field": <name>} naming the field, never echoing a value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "gateway/domain/message.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::ops {

namespace beast_http = boost::beast::http;

http::Response json_response(beast_http::status status, const boost::json::value& body,
                             unsigned version);

// JSON null for an absent value; else an ISO 8601 UTC instant, or the text as it is.
boost::json::value json_instant(const std::optional<domain::EpochMicros>& at);
boost::json::value json_text_or_null(const std::optional<std::string>& text);

// code: a stable machine-readable word ("unauthorized", "forbidden", "bad_request", ...).
http::Response error_response(beast_http::status status, std::string_view code,
                              std::string_view message, unsigned version,
                              std::optional<std::string_view> field = std::nullopt);

// An expected refusal an endpoint returns as a value; OpsApi turns it into error_response.
struct OpsError {
  beast_http::status status = beast_http::status::bad_request;
  std::string code = "bad_request";
  std::string message;
  std::optional<std::string> field;

  static OpsError bad_field(std::string field, std::string message);
  static OpsError not_found(std::string message);
  static OpsError conflict(std::string message);
  http::Response to_response(unsigned version) const;
};

}  // namespace relay::ops
