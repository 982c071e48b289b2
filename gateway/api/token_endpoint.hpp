// POST /token: the portal's OAuth2 password grant, answered as ASP.NET's OAuth server does. The
// decision is LoginGate's (throttles, hashing on its own threads); the endpoint maps it to answers.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/api/login_gate.hpp"
#include "gateway/api/vendor_router.hpp"
#include "gateway/auth/token_signer.hpp"
#include "gateway/config/config.hpp"
#include "gateway/metrics/login_metrics.hpp"

namespace relay::api {

class TokenEndpoint {
 public:
  // pool, tokens and metrics must outlive the endpoint.
  TokenEndpoint(const config::AuthSettings& settings, pg::ConnectionPool& pool,
                const auth::TokenSigner& tokens, metrics::LoginMetrics& metrics)
      : login_gate_(settings, pool), tokens_(tokens), metrics_(metrics) {}

  // 200 {access_token, token_type, expires_in, userName}; 400 invalid_request,
  // unsupported_grant_type or invalid_grant; 429/503 with Retry-After when throttled or busy.
  boost::asio::awaitable<http::Response> operator()(VendorRequest& request);

 private:
  LoginGate login_gate_;
  const auth::TokenSigner& tokens_;
  metrics::LoginMetrics& metrics_;
};

}  // namespace relay::api
