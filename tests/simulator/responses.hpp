// Answers in Metriport's shapes: JSON errors {"status","name","title","detail"}, the rate
// limiter's plain-text 429, and JSON bodies.
#pragma once

#include <boost/json/value.hpp>

#include <string_view>

#include "tests/simulator/http_server.hpp"

namespace relay::sim {

Response json_response(int status, const boost::json::value& body);
Response metriport_error(int status, std::string_view name, std::string_view title,
                         std::string_view detail);
// 400 {"status":400,"name":"BadRequestError","title":"Missing or invalid parameters",...}.
Response bad_request(std::string_view detail);
Response not_found(std::string_view detail);
Response unauthorized();
// 429 "Too many requests, please try again later." (text/plain) with Retry-After.
Response too_many_requests(long long retry_after_seconds);
Response internal_error();

}  // namespace relay::sim
