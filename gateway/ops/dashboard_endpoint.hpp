// GET /ops/ and /ops/<file>: the dashboard's embedded files with a strict Content-Security-Policy
// (no inline script, nothing from another origin), no framing, and ETag revalidation.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

// The header every dashboard answer carries; exposed for tests.
inline constexpr std::string_view dashboard_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

// "/ops" (or "/ops/"): index.html; "/ops/<file>": that file; 404 for any other name.
boost::asio::awaitable<http::Response> serve_dashboard(OpsRequest& request);

}  // namespace relay::ops
