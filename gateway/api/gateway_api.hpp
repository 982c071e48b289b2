// The vendor listener's API: a routing table (case-insensitive paths, as ASP.NET), bearer
// authentication for the vendor routes, and the endpoints, one class per file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/message_read_store.hpp"
#include "gateway/api/active_vendors.hpp"
#include "gateway/api/liveness_endpoint.hpp"
#include "gateway/api/message_get_endpoint.hpp"
#include "gateway/api/message_post_endpoint.hpp"
#include "gateway/api/message_search_endpoint.hpp"
#include "gateway/api/readiness.hpp"
#include "gateway/api/request_target.hpp"
#include "gateway/api/token_endpoint.hpp"
#include "gateway/api/vendor_router.hpp"
#include "gateway/api/webhook_endpoint.hpp"
#include "gateway/auth/token_signer.hpp"
#include "gateway/config/config.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/metrics/gateway_metrics.hpp"

namespace relay::api {

class GatewayApi {
 public:
  // Everything passed by reference must outlive the API; metrics counts intake, webhook and login
  // outcomes.
  GatewayApi(const config::Config& config, pg::ConnectionPool& pool,
             const auth::TokenSigner& tokens, Readiness& readiness,
             metrics::GatewayMetrics& metrics);
  GatewayApi(const GatewayApi&) = delete;
  GatewayApi& operator=(const GatewayApi&) = delete;

  // Never throws: a database outage becomes a 503 with Retry-After, any other infrastructure
  // failure a logged, undisclosing 500 (both in the route's answer format).
  boost::asio::awaitable<http::Response> handle(http::Request& request);

 private:
  // route: the path's name (vendor_route of the normalised path).
  boost::asio::awaitable<http::Response> dispatch(http::Request& request,
                                                  const RequestTarget& target, VendorRoute route);
  // The vendor named by a valid bearer token, or nullopt.
  std::optional<std::int64_t> authenticate(const http::Request& request) const;

  const auth::TokenSigner& tokens_;
  Readiness& readiness_;
  boost::asio::thread_pool cpu_pool_;  // decoding, validation and encoding (never password hashing)
  ActiveVendors active_vendors_;
  pg::MessageReadStore message_reads_;
  LivenessEndpoint liveness_;
  TokenEndpoint token_;
  MessagePostEndpoint post_message_;
  MessageGetEndpoint get_message_;
  MessageSearchEndpoint search_messages_;
  WebhookEndpoint webhook_;
  std::string webhook_path_;  // normalised
  VendorRouter router_;
};

}  // namespace relay::api
