// GET /metrics on the operations listener: every metric of this process in Prometheus's text
// format. No login (Access::anyone): it carries no PHI and no ids, only fixed labels.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class MetricsEndpoint {
 public:
  explicit MetricsEndpoint(metrics::GatewayMetrics& metrics) : metrics_(metrics) {}
  // 200 text/plain; version=0.0.4 (the database gauges read at most every few seconds).
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  metrics::GatewayMetrics& metrics_;
};

}  // namespace relay::ops
