// The gateway's HTTP API: routing (case-insensitive paths, as ASP.NET), bearer authentication and
// the portal endpoints. One handle() per request; each endpoint lives in its own file.
#pragma once

#include <cstdint>
#include <optional>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/intake_store.hpp"
#include "adapters/postgres/message_read_store.hpp"
#include "adapters/postgres/webhook_inbox_store.hpp"
#include "gateway/api/active_vendors.hpp"
#include "gateway/api/ignored_webhook_fields.hpp"
#include "gateway/api/login_gate.hpp"
#include "gateway/api/readiness.hpp"
#include "gateway/api/request_target.hpp"
#include "gateway/api/wire_format.hpp"
#include "gateway/auth/token_signer.hpp"
#include "gateway/config/config.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/metrics/gateway_metrics.hpp"

namespace relay::api {

class GatewayApi {
 public:
  // metrics counts intake, webhook and login outcomes; it must outlive the API.
  GatewayApi(const config::Config& config, pg::ConnectionPool& pool,
             const auth::TokenSigner& tokens, Readiness& readiness,
             metrics::GatewayMetrics& metrics);

  // Never throws: a database outage becomes a 503 with Retry-After, any other infrastructure
  // failure a logged, undisclosing 500 (both in the route's answer format).
  boost::asio::awaitable<http::Response> handle(http::Request& request);

  // Webhook fields accepted without being known, counted since the process started.
  const IgnoredWebhookFields& ignored_webhook_fields() const { return ignored_webhook_fields_; }

 private:
  // path: target.path as normalised_path() gives it.
  boost::asio::awaitable<http::Response> route(http::Request& request, const RequestTarget& target,
                                               const std::string& path);
  boost::asio::awaitable<http::Response> issue_token(http::Request& request);
  boost::asio::awaitable<http::Response> post_message(http::Request& request,
                                                      std::int64_t vendor_id,
                                                      const std::string& vendor_name);
  boost::asio::awaitable<http::Response> get_message(http::Request& request,
                                                     const RequestTarget& target,
                                                     std::int64_t vendor_id);
  boost::asio::awaitable<http::Response> search_messages(http::Request& request,
                                                         const RequestTarget& target,
                                                         std::int64_t vendor_id);
  // POST <webhook_path>: verify, validate, store (deduplicated), 200; applied later by the relay.
  boost::asio::awaitable<http::Response> receive_webhook(http::Request& request);
  boost::asio::awaitable<std::string> encode_on_cpu_pool(const domain::StoredMessage& message,
                                                         WireFormat format);

  // The vendor named by a valid bearer token, or nullopt.
  std::optional<std::int64_t> authenticate(const http::Request& request) const;

  const config::Config& config_;
  const auth::TokenSigner& tokens_;
  Readiness& readiness_;
  metrics::GatewayMetrics& metrics_;
  pg::IntakeStore intake_;
  boost::asio::thread_pool cpu_pool_;  // decoding, validation and encoding (never password hashing)
  LoginGate login_gate_;               // POST /token, with its own hashing threads
  ActiveVendors active_vendors_;
  pg::MessageReadStore message_reads_;
  pg::WebhookInboxStore webhook_inbox_;
  std::string webhook_path_;  // normalised
  IgnoredWebhookFields ignored_webhook_fields_;
};

}  // namespace relay::api
