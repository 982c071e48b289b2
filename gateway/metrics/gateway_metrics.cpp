// The registry's families, the build info, and the scrape: registry, scrape-time gauges, database
// gauges and process metrics serialised together by prometheus-cpp's text serializer.
#include "gateway/metrics/gateway_metrics.hpp"

#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>

#include "gateway/metrics/build_info.hpp"

namespace relay::metrics {

GatewayMetrics::GatewayMetrics()
    : intake_(registry_),
      webhooks_(registry_),
      logins_(registry_),
      relay_(registry_),
      retention_(registry_),
      metriport_(registry_),
      http_families_{
          prometheus::BuildHistogram()
              .Name("relay_http_request_duration_seconds")
              .Help("HTTP requests answered, by listener (vendor, ops), route (a fixed name), "
                    "method and status class; from the request's first byte to the answer "
                    "being ready to write.")
              .Register(registry_),
          prometheus::BuildCounter()
              .Name("relay_http_refusals_total")
              .Help("Requests or connections the HTTP server refused on its own, by listener and "
                    "reason (connection_limit, body_budget, body_too_slow, body_too_large, "
                    "header_too_large, malformed).")
              .Register(registry_)},
      pool_families_{prometheus::BuildGauge()
                         .Name("relay_db_pool_connections_in_use")
                         .Help("Database connections leased from the pool now.")
                         .Register(registry_),
                     prometheus::BuildGauge()
                         .Name("relay_db_pool_max_connections")
                         .Help("The pool's size: connections it opens at most.")
                         .Register(registry_),
                     prometheus::BuildHistogram()
                         .Name("relay_db_pool_acquire_seconds")
                         .Help("Time a caller waited for a database connection (for a database "
                               "thread, then a connection, including opening one).")
                         .Register(registry_)} {
  prometheus::BuildGauge()
      .Name("relay_build_info")
      .Help("Always 1; the labels name this binary's version and source revision.")
      .Register(registry_)
      .Add({{"version", std::string(build_version())}, {"revision", std::string(build_revision())}})
      .Set(1);
}

PoolMetrics& GatewayMetrics::pool(const std::string& name, std::size_t size) {
  std::lock_guard lock(mutex_);
  return pools_.emplace_back(pool_families_, name, size);
}

HttpMetrics& GatewayMetrics::listener(std::string name, std::vector<std::string> route_names,
                                      RouteClassifier classify) {
  std::lock_guard lock(mutex_);
  return listeners_.emplace_back(http_families_, std::move(name), std::move(route_names),
                                 std::move(classify));
}

void GatewayMetrics::read_queue_from(pg::ConnectionPool& pool, PacerDefaults pacer) {
  std::lock_guard lock(mutex_);
  queue_ = std::make_unique<QueueGauges>(pool, pacer);
}

boost::asio::awaitable<std::string> GatewayMetrics::scrape() {
  QueueGauges* queue = nullptr;
  {
    std::lock_guard lock(mutex_);
    queue = queue_.get();
  }
  if (queue != nullptr) co_await queue->refresh_if_stale();
  auto families = registry_.Collect();
  const auto append = [&families](const prometheus::Collectable& collectable) {
    for (auto& family : collectable.Collect()) families.push_back(std::move(family));
  };
  append(scrape_gauges_);
  if (queue != nullptr) append(*queue);
  append(process_);
  co_return prometheus::TextSerializer().Serialize(families);
}

}  // namespace relay::metrics
