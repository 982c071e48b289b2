// POST /ops/api/login with its outcome counted for relay_logins_total{listener="ops"}: the login
// endpoint stays as it is, this wrapper reads the status of its answer.
#pragma once

#include <functional>

#include <boost/asio/awaitable.hpp>

#include "gateway/metrics/login_metrics.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

// Wraps POST /ops/api/login to count its outcome (relay_logins_total{listener="ops"}) from the
// answer's status: 200 issued, 401 invalid_grant, 429 throttled, 503 busy.
class CountedLogin {
 public:
  CountedLogin(std::function<boost::asio::awaitable<http::Response>(OpsRequest&)> login,
               metrics::LoginMetrics& metrics)
      : login_(std::move(login)), metrics_(metrics) {}
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  std::function<boost::asio::awaitable<http::Response>(OpsRequest&)> login_;
  metrics::LoginMetrics& metrics_;
};

}  // namespace relay::ops
