// Status to outcome: 200 issued, 401 invalid_grant, 429 throttled, 503 busy; a 400 for a malformed
// body is no login attempt and is not counted.
#include "gateway/ops/counted_login.hpp"

namespace relay::ops {

boost::asio::awaitable<http::Response> CountedLogin::operator()(OpsRequest& request) {
  http::Response response = co_await login_(request);
  switch (response.result()) {
    case beast_http::status::ok:
      metrics_.count(metrics::LoginListener::ops, metrics::LoginResult::issued);
      break;
    case beast_http::status::too_many_requests:
      metrics_.count(metrics::LoginListener::ops, metrics::LoginResult::throttled);
      break;
    case beast_http::status::service_unavailable:
      metrics_.count(metrics::LoginListener::ops, metrics::LoginResult::busy);
      break;
    case beast_http::status::unauthorized:
      metrics_.count(metrics::LoginListener::ops, metrics::LoginResult::invalid_grant);
      break;
    default:
      break;
  }
  co_return response;
}

}  // namespace relay::ops
