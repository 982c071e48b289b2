// The operations listener's API (GATEWAY_OPS_LISTEN): probes, operator login, and the operator
// endpoints, dispatched through one route table with authentication, CSRF and role checks.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_list_store.hpp"
#include "adapters/postgres/operator_store.hpp"
#include "adapters/postgres/relay_pause_store.hpp"
#include "gateway/api/readiness.hpp"
#include "gateway/auth/hashing_pool.hpp"
#include "gateway/auth/login_throttle.hpp"
#include "gateway/config/config.hpp"
#include "gateway/domain/ops/delivery_cursor.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/ops/delivery_actions.hpp"
#include "gateway/ops/operator_authenticator.hpp"
#include "gateway/ops/ops_router.hpp"

namespace relay::ops {

class OpsApi {
 public:
  // metrics is served at GET /metrics and counts operator logins; it must outlive the API.
  OpsApi(const config::Config& config, pg::ConnectionPool& pool, api::Readiness& readiness,
         metrics::GatewayMetrics& metrics);

  // Never throws: expected refusals are 4xx JSON naming the field; a database outage is 503 with
  // Retry-After; anything else a logged 500 that discloses nothing.
  boost::asio::awaitable<http::Response> handle(http::Request& request);

  // Adds a route (the table is built in the constructor; later issues' endpoints add theirs).
  void add_route(OpsRoute route) { router_.add(std::move(route)); }

  // For metrics labels: every route's pattern in table order, then "unknown"; and the index in
  // that list of the first route whose pattern matches a request's path (any method).
  std::vector<std::string> route_labels() const;
  std::size_t route_label_index(const http::RequestHeader& header) const;

 private:
  boost::asio::awaitable<http::Response> dispatch(http::Request& request);

  const config::Config& config_;
  pg::OperatorStore operators_;
  OperatorAuthenticator authenticator_;
  // Operator logins' PBKDF2: one thread of its own, so a vendor login flood cannot delay it.
  auth::HashingPool hashing_{1, 8, 4, std::chrono::milliseconds(200)};
  auth::LoginThrottle login_throttle_;
  // Deliveries (listing and actions) and relay pauses.
  pg::DeliveryListStore delivery_list_;
  domain::ops::CursorCodec cursors_;  // keyed with the token secret: every process decodes alike
  DeliveryActions delivery_actions_;
  pg::RelayPauseStore pauses_;
  OpsRouter router_;
};

// The precheck of the operations listener (no I/O): 404 for an unknown path with a body, 413 for
// a body over 64 KiB (its JSON bodies are small), 411 for a body without Content-Length.
http::RequestPrecheck make_ops_precheck();

}  // namespace relay::ops
