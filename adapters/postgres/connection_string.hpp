// The connection string the gateway connects with: DATABASE_URL plus a bounded connect_timeout, so
// a connect to an unreachable or black-holed database fails in seconds instead of hanging.
#pragma once

#include <string>

namespace relay::pg {

// Used when neither the URL nor PGCONNECT_TIMEOUT sets one (libpq's default is to wait forever).
inline constexpr int default_connect_timeout_seconds = 5;

// `url` (a postgresql:// URI or a key=value string) with connect_timeout=<seconds> added, unless it
// sets connect_timeout itself or the PGCONNECT_TIMEOUT environment variable is set. A string libpq
// cannot parse is returned unchanged: connecting reports the error.
std::string with_default_connect_timeout(const std::string& url,
                                         int seconds = default_connect_timeout_seconds);

}  // namespace relay::pg
