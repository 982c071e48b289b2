// Building HTTP answers, and the one place where expected errors (RequestError) and infrastructure
// failures (exceptions) become statuses and bodies in the portal's error shape.
#pragma once

#include <string>
#include <string_view>

#include "gateway/api/wire_format.hpp"
#include "gateway/domain/request_error.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::api {

namespace beast_http = boost::beast::http;

beast_http::status status_for(domain::ErrorKind kind);

http::Response make_response(beast_http::status status, std::string body, WireFormat format,
                             unsigned version);

http::Response error_response(const domain::RequestError& error, WireFormat format,
                              unsigned version);

// 401 with WWW-Authenticate: Bearer, the text ASP.NET answers when a token is missing or invalid.
http::Response unauthorized_response(unsigned version, bool token_was_sent);

// 406 (JSON) listing the formats this API answers in, for an Accept header it cannot meet.
http::Response not_acceptable_response(unsigned version);

// A logged 500 that discloses nothing about the cause: a real fault.
http::Response internal_error_response(WireFormat format, unsigned version);

// What Retry-After says while the database is away: a restart or failover takes seconds.
inline constexpr int database_retry_after_seconds = 5;

// 503 with Retry-After in the portal's error shape: the database is temporarily unavailable (an
// outage, not a fault), so the same request succeeds later.
http::Response unavailable_response(WireFormat format, unsigned version);

// Failures the transport detects itself (413, 431, 400 malformed HTTP, 503 at the connection cap).
http::Response transport_error_response(beast_http::status status, std::string_view reason,
                                        unsigned version);

}  // namespace relay::api
