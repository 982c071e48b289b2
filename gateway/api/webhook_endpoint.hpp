// POST <webhook_path>: Metriport's webhooks, the signature checked on the raw bytes first. A valid
// event is stored once per meta.messageId (a status event's fields as columns) before the 200.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/webhook_inbox_store.hpp"
#include "gateway/api/ignored_webhook_fields.hpp"
#include "gateway/api/vendor_router.hpp"
#include "gateway/config/config.hpp"
#include "gateway/metrics/webhook_metrics.hpp"

namespace relay::api {

class WebhookEndpoint {
 public:
  // config, pool and metrics must outlive the endpoint.
  WebhookEndpoint(const config::Config& config, pg::ConnectionPool& pool,
                  metrics::WebhookMetrics& metrics)
      : config_(config), inbox_(pool), metrics_(metrics) {}

  // 200 {"received":true} (or {"pong":..} for a ping), also for a duplicate; 401 for a missing or
  // wrong signature (nothing stored); 400 naming the field for an invalid event (recorded by size
  // and digest only); 413 over webhooks.max_body_bytes.
  boost::asio::awaitable<http::Response> operator()(VendorRequest& request);

 private:
  const config::Config& config_;
  pg::WebhookInboxStore inbox_;
  metrics::WebhookMetrics& metrics_;
  IgnoredWebhookFields ignored_fields_;  // fields accepted without being known, since start
};

}  // namespace relay::api
