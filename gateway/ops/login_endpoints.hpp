// POST /ops/api/login, POST /ops/api/logout and GET /ops/api/session: operator sessions for scripts
// (bearer token) and the dashboard (HttpOnly SameSite=Strict cookie plus a CSRF token).
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/operator_store.hpp"
#include "gateway/auth/hashing_pool.hpp"
#include "gateway/auth/login_throttle.hpp"
#include "gateway/config/config.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class LoginEndpoint {
 public:
  LoginEndpoint(pg::OperatorStore& store, const config::OpsSettings& settings,
                auth::HashingPool& hashing, auth::LoginThrottle& throttle)
      : store_(store), settings_(settings), hashing_(hashing), throttle_(throttle) {}

  // {"username","password"} -> 200 {"token","expires_in","role","csrf_token"} and the cookie;
  // 400 naming the field for a malformed body, 401 for wrong credentials or a disabled operator,
  // 429 with Retry-After after too many failures for the name, 503 with Retry-After while the
  // password checks are queued to capacity.
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::OperatorStore& store_;
  const config::OpsSettings& settings_;
  auth::HashingPool& hashing_;
  auth::LoginThrottle& throttle_;
};

class LogoutEndpoint {
 public:
  explicit LogoutEndpoint(pg::OperatorStore& store) : store_(store) {}
  // Ends the session (audited) and clears the cookie: 200 {"logged_out":true}.
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::OperatorStore& store_;
};

// 200 {"name","role","expires_at","csrf_token"}: how the dashboard learns its CSRF token after a
// reload (a cross-site page cannot read it: same-origin policy, SameSite=Strict cookie).
boost::asio::awaitable<http::Response> describe_session(OpsRequest& request);

}  // namespace relay::ops
