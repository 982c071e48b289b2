// Parsers of the headers that say when to come back: Retry-After (delta seconds or HTTP date) and
// RateLimit-Limit/-Remaining/-Reset (or the combined draft "RateLimit: limit=.., remaining=..").
#pragma once

#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <optional>
#include <string_view>

#include "adapters/metriport/call_result.hpp"

namespace relay::metriport {

// Longest delay taken from Retry-After; larger values are cut to this.
inline constexpr std::chrono::seconds max_retry_after{86'400};

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and
// asctime ("Sun Nov  6 08:49:37 1994"), all UTC. nullopt for anything else or impossible dates.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

// Delay until the client may retry: delta seconds, or the date minus now (0 when in the past).
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// Separate RateLimit-* values win over the combined RateLimit header; each value is the leading
// non-negative integer of its header ("20, 20;w=60" gives 20). Empty views mean absent.
RateLimitInfo parse_rate_limit(std::string_view limit, std::string_view remaining,
                               std::string_view reset, std::string_view combined);
RateLimitInfo parse_rate_limit(const boost::beast::http::fields& headers);

}  // namespace relay::metriport
