// GET /ops/api/webhooks (recent webhook events with counts by type and outcome) and
// GET /ops/api/webhooks/rejections (refused webhooks: reason, size, hash): never a payload.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/webhook_listing.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class WebhookEndpoints {
 public:
  explicit WebhookEndpoints(pg::ConnectionPool& pool) : listing_(pool) {}

  // Parameters: type, outcome ("new" for not yet looked at), from, to, cursor, limit.
  boost::asio::awaitable<http::Response> events(OpsRequest& request);
  // Parameters: from, to, cursor, limit.
  boost::asio::awaitable<http::Response> rejections(OpsRequest& request);

 private:
  pg::WebhookListing listing_;
};

}  // namespace relay::ops
