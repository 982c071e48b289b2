// Every metric of a gateway process in one place: the registry, the groups each part of the
// gateway reports to, the scrape-time collectors, and the text served at GET /metrics.
// Built once in serve_command and handed to the parts; it must outlive them.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/registry.h>
#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/metrics/http_metrics.hpp"
#include "gateway/metrics/intake_metrics.hpp"
#include "gateway/metrics/login_metrics.hpp"
#include "gateway/metrics/metriport_metrics.hpp"
#include "gateway/metrics/pool_metrics.hpp"
#include "gateway/metrics/process_collector.hpp"
#include "gateway/metrics/queue_gauges.hpp"
#include "gateway/metrics/relay_metrics.hpp"
#include "gateway/metrics/retention_metrics.hpp"
#include "gateway/metrics/scrape_gauges.hpp"
#include "gateway/metrics/webhook_metrics.hpp"

namespace relay::metrics {

class GatewayMetrics {
 public:
  GatewayMetrics();
  GatewayMetrics(const GatewayMetrics&) = delete;
  GatewayMetrics& operator=(const GatewayMetrics&) = delete;

  IntakeMetrics& intake() { return intake_; }
  WebhookMetrics& webhooks() { return webhooks_; }
  LoginMetrics& logins() { return logins_; }
  RelayMetrics& relay() { return relay_; }
  RetentionMetrics& retention() { return retention_; }
  MetriportMetrics& metriport() { return metriport_; }
  ScrapeGauges& scrape_gauges() { return scrape_gauges_; }

  // The observer of one database pool ("api", "relay"); lives as long as this object.
  PoolMetrics& pool(const std::string& name, std::size_t size);
  // The observer of one HTTP listener ("vendor", "ops"): route_names are its fixed route names
  // (the catch-all last), classify names a request's route. Lives as long as this object.
  HttpMetrics& listener(std::string name, std::vector<std::string> route_names,
                        RouteClassifier classify);
  // The database gauges (queue_gauges.hpp) are read through this pool from now on; without it
  // they are left out.
  void read_queue_from(pg::ConnectionPool& pool, PacerDefaults pacer);

  // Everything in Prometheus's text format (version 0.0.4), the database gauges refreshed first
  // when stale. Thread-safe.
  boost::asio::awaitable<std::string> scrape();

 private:
  prometheus::Registry registry_;
  IntakeMetrics intake_;
  WebhookMetrics webhooks_;
  LoginMetrics logins_;
  RelayMetrics relay_;
  RetentionMetrics retention_;
  MetriportMetrics metriport_;
  HttpFamilies http_families_;
  PoolFamilies pool_families_;
  ScrapeGauges scrape_gauges_;
  ProcessCollector process_;
  std::mutex mutex_;  // guards the lists below (their elements never move)
  std::list<PoolMetrics> pools_;
  std::list<HttpMetrics> listeners_;
  std::unique_ptr<QueueGauges> queue_;
};

}  // namespace relay::metrics
