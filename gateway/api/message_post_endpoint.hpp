// POST /api/OutgoingSecureMessages: a message (JSON, XML or form) decoded and validated on the CPU
// pool, then stored or its Draft replaced (IntakeStore); answered with the stored model.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "adapters/postgres/intake_store.hpp"
#include "gateway/api/vendor_router.hpp"
#include "gateway/config/config.hpp"
#include "gateway/metrics/intake_metrics.hpp"

namespace relay::api {

class MessagePostEndpoint {
 public:
  // Everything passed by reference must outlive the endpoint.
  MessagePostEndpoint(const config::Config& config, pg::ConnectionPool& pool,
                      boost::asio::thread_pool& cpu_pool, metrics::IntakeMetrics& metrics)
      : config_(config), intake_(pool), cpu_pool_(cpu_pool), metrics_(metrics) {}

  // 200 with the stored model (in Accept's format, else the body's); 400 naming the field and
  // limit; 409 when a queued message's ExternalId is re-posted with other content; 406, 415.
  boost::asio::awaitable<http::Response> operator()(VendorRequest& request);

 private:
  const config::Config& config_;
  pg::IntakeStore intake_;
  boost::asio::thread_pool& cpu_pool_;
  metrics::IntakeMetrics& metrics_;
};

}  // namespace relay::api
