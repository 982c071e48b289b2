// relay-gateway serve: wires configuration, metrics, the database pool, both listeners, the relay
// and retention, tells systemd (ready, stopping) and stops gracefully on SIGTERM, readiness first.
#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/migration_runner.hpp"
#include "gateway/api/gateway_api.hpp"
#include "gateway/api/request_precheck.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/api/vendor_routes.hpp"
#include "gateway/auth/token_signer.hpp"
#include "gateway/cli/cli.hpp"
#include "gateway/cli/service_notifier.hpp"
#include "gateway/http/server.hpp"
#include "gateway/log/log.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/ops/ops_api.hpp"
#include "gateway/relay/relay_engine.hpp"
#include "gateway/retention/retention_metrics_observer.hpp"
#include "gateway/retention/retention_scheduler.hpp"

namespace relay::cli {
namespace {

constexpr const char* schema_version_sql =
    "SELECT coalesce(max(version), 0) FROM schema_migrations";

// Refuses to serve against a database older than this binary's schema.
bool schema_is_current(pg::ConnectionPool& pool) {
  const int needed =
      pg::embedded_migrations().empty() ? 0 : pg::embedded_migrations().back().version;
  int current = 0;
  try {
    current = pool.run_blocking([](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return tx.exec1(schema_version_sql)[0].as<int>();
    });
  } catch (const pqxx::sql_error&) {
    current = 0;  // no schema_migrations table yet
  }
  if (current < needed) {
    std::cerr << "relay-gateway: the database schema is at version " << current
              << ", this binary needs " << needed << ": run `relay-gateway migrate` first\n";
    return false;
  }
  return true;
}

http::BodyLimits body_limits(const config::Config& config) {
  http::BodyLimits limits;
  limits.max_inflight_body_bytes = config.http.max_inflight_body_bytes;
  limits.max_body_bytes_per_client = config.http.max_body_bytes_per_client;
  limits.reserved_lane_bytes = config.webhooks.body_budget_bytes;
  limits.reserved_lane_bytes_per_client = config.webhooks.body_budget_bytes_per_client;
  limits.min_body_bytes_per_second = config.http.min_body_bytes_per_second;
  limits.rate_grace = config.http.body_rate_grace;
  return limits;
}

std::vector<std::string> vendor_route_labels() {
  std::vector<std::string> labels;
  for (const auto name : api::vendor_route_names()) labels.emplace_back(name);
  return labels;
}

// Open connections and body bytes held, read at each scrape.
void watch_listener(metrics::ScrapeGauges& gauges, const std::string& listener,
                    const http::Server& server) {
  gauges.add("relay_http_open_connections", "Connections the listener is serving now.",
             {{"listener", listener}},
             [&server] { return static_cast<double>(server.active_connections()); });
  gauges.add("relay_http_inflight_body_bytes",
             "Request body bytes held in memory now, by body lane (webhooks: the reserved lane).",
             {{"listener", listener}, {"lane", "shared"}},
             [&server] { return static_cast<double>(server.inflight_body_bytes()); });
  gauges.add("relay_http_inflight_body_bytes", "", {{"listener", listener}, {"lane", "reserved"}},
             [&server] { return static_cast<double>(server.reserved_lane_body_bytes()); });
}

}  // namespace

int serve_command(const config::Config& config) {
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  if (config.tokens.secret.empty()) {
    std::cerr << "relay-gateway: GATEWAY_TOKEN_SECRET (or GATEWAY_TOKEN_SECRET_FILE) is not set\n";
    return 2;
  }
  if (config.relay.enabled && config.metriport.base_url.empty()) {
    std::cerr << "relay-gateway: METRIPORT_BASE_URL is not set (or set relay.enabled to false to "
                 "serve without relaying)\n";
    return 2;
  }
  if (config.relay.enabled && config.metriport.webhook_keys.empty()) {
    log::warn("webhooks.no_key", {{"effect",
                                   "every webhook is refused; deliveries are confirmed "
                                   "by status polls only"}});
  }
  auth::TokenSigner tokens(config.tokens.secret, config.tokens.lifetime);
  // Declared first: everything below reports to it, up to its destruction.
  metrics::GatewayMetrics metrics;
  const auto pool_size = static_cast<std::size_t>(config.database.pool_size);
  pg::ConnectionPool pool(config.database.url, pool_size, &metrics.pool("api", pool_size));
  if (!schema_is_current(pool)) return 1;
  metrics.read_queue_from(pool, {static_cast<double>(config.metriport.sends_per_minute),
                                 static_cast<double>(config.metriport.send_window.count())});

  boost::asio::io_context io(config.http.threads);
  api::Readiness readiness(pool);
  api::GatewayApi api(config, pool, tokens, readiness, metrics);
  // The precheck refuses what the header alone decides (401, 404, 415, 413) before any body byte;
  // webhook bodies are reserved from their own share of body memory.
  const api::WebhookRoute webhook_route{
      config.webhook_path, config.webhooks.max_body_bytes, [&metrics] {
        metrics.webhooks().count_signature_failure(metrics::SignatureFailure::missing);
      }};
  http::TransportHints hints = api::make_transport_hints(webhook_route);
  hints.observer = &metrics.listener(
      "vendor", vendor_route_labels(),
      [webhook_path =
           api::normalised_path(config.webhook_path)](const http::RequestHeader& header) {
        return static_cast<std::size_t>(api::vendor_route_of_target(header.target(), webhook_path));
      });
  http::Server server(
      io, config.http, [&api](http::Request& request) { return api.handle(request); },
      &api::transport_error_response, api::make_precheck(tokens, 64 * 1024, webhook_route),
      body_limits(config), std::move(hints));
  server.start();

  // The operations listener: the same limits and timeouts, its own address and routes.
  ops::OpsApi ops_api(config, pool, readiness, metrics);
  config::HttpSettings ops_settings = config.http;
  ops_settings.listen_host = config.ops.listen_host;
  ops_settings.listen_port = config.ops.listen_port;
  http::TransportHints ops_hints;
  ops_hints.probe_paths = {"/livez", "/healthz"};
  ops_hints.observer = &metrics.listener(
      "ops", ops_api.route_labels(),
      [&ops_api](const http::RequestHeader& header) { return ops_api.route_label_index(header); });
  http::Server ops_server(
      io, ops_settings, [&ops_api](http::Request& request) { return ops_api.handle(request); },
      &api::transport_error_response, ops::make_ops_precheck(), body_limits(config),
      std::move(ops_hints));
  ops_server.start();
  watch_listener(metrics.scrape_gauges(), "vendor", server);
  watch_listener(metrics.scrape_gauges(), "ops", ops_server);

  std::unique_ptr<engine::RelayEngine> relay_engine;
  if (config.relay.enabled) {
    relay_engine = std::make_unique<engine::RelayEngine>(io.get_executor(), config, metrics);
    relay_engine->start();
  }
  // Retention passes (one at a time across processes), after the relay is up.
  retention::RetentionMetricsObserver retention_observer(metrics.retention());
  std::unique_ptr<retention::RetentionScheduler> retention_scheduler;
  if (config.retention.enabled) {
    retention_scheduler = std::make_unique<retention::RetentionScheduler>(
        io.get_executor(), config,
        relay_engine ? relay_engine->instance() : engine::make_instance_name(),
        &retention_observer);
    retention_scheduler->start();
  }

  const std::string address = config.http.listen_host + ":" + std::to_string(server.port());
  const std::string ops_address = config.ops.listen_host + ":" + std::to_string(ops_server.port());
  log::info("gateway.listening", {{"address", address}, {"ops_address", ops_address}});
  std::cout << "relay-gateway listening on http://" << address << " (operations: http://"
            << ops_address << ")" << std::endl;
  // Both listeners accept from here on: systemd (Type=notify) may start what depends on us.
  ServiceNotifier notifier(io.get_executor());
  notifier.ready("listening on " + address + ", operations on " + ops_address);

  boost::asio::steady_timer drain_timer(io);
  boost::asio::steady_timer grace_timer(io);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    log::info("gateway.stopping", {{"signal", std::to_string(signal_number)}});
    notifier.stopping();
    // /readyz answers 503 at once; the relay hands back or finishes its deliveries; after the
    // drain delay the listeners stop accepting and finish in-flight requests; then threads end.
    readiness.begin_draining();
    auto pending = std::make_shared<std::atomic<int>>(2 + (relay_engine ? 1 : 0) +
                                                      (retention_scheduler ? 1 : 0));
    auto one_done = [&io, pending] {
      if (--*pending == 0) io.stop();
    };
    if (relay_engine) relay_engine->begin_stop(one_done);
    // A pass stops after its current transaction; what committed stays.
    if (retention_scheduler) retention_scheduler->begin_stop(one_done);
    drain_timer.expires_after(config.http.drain_delay);
    drain_timer.async_wait([&server, &ops_server, one_done](const boost::system::error_code&) {
      server.begin_shutdown(one_done);
      ops_server.begin_shutdown(one_done);
    });
    // A Metriport call cannot hold the process past the grace: its lease expires and another
    // instance (or this one, restarted) resumes it, reconciling any send in doubt.
    grace_timer.expires_after(config.http.drain_delay + config.http.shutdown_grace +
                              std::chrono::seconds(5));
    grace_timer.async_wait([&io](const boost::system::error_code& error) {
      if (!error) io.stop();
    });
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < config.http.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();
  retention_scheduler.reset();
  relay_engine.reset();
  pool.stop();
  log::info("gateway.stopped");
  return 0;
}

}  // namespace relay::cli
