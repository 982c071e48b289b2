// Retention passes for Prometheus: passes by result, rows purged and deleted by kind, and when the
// last complete pass ended (an alert can tell retention that stopped running from none to do).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "adapters/postgres/retention_store.hpp"

namespace relay::metrics {

class RetentionMetrics {
 public:
  explicit RetentionMetrics(prometheus::Registry& registry);

  // result is the scheduler's name for the attempt (pruned, stopped, busy, recent, failed); an
  // unknown name is not counted. finished_at: seconds since the epoch.
  void pass_finished(std::string_view result, const pg::RetentionCounts& counts, double finished_at,
                     double duration_seconds) noexcept;

 private:
  static constexpr std::size_t result_count = 5;
  std::array<prometheus::Counter*, result_count> passes_{};
  std::array<prometheus::Counter*, 3> purged_{};   // messages, attachments, webhook payloads
  std::array<prometheus::Counter*, 8> deleted_{};  // see retention_metrics.cpp for the order
  prometheus::Gauge* last_pruned_ = nullptr;
  prometheus::Gauge* last_duration_ = nullptr;
};

}  // namespace relay::metrics
