// The retention scheduler's observer that reports each attempt to the process's metrics
// (relay_retention_*); serve hands it to the scheduler.
#pragma once

#include <chrono>

#include "gateway/metrics/retention_metrics.hpp"
#include "gateway/retention/retention_observer.hpp"

namespace relay::retention {

class RetentionMetricsObserver final : public RetentionObserver {
 public:
  explicit RetentionMetricsObserver(metrics::RetentionMetrics& metrics) : metrics_(metrics) {}

  void pass_finished(const PassReport& report) override {
    const double finished_at =
        std::chrono::duration<double>(report.finished_at.time_since_epoch()).count();
    const double seconds = std::chrono::duration<double>(report.duration).count();
    metrics_.pass_finished(to_string(report.result), report.counts, finished_at, seconds);
  }

 private:
  metrics::RetentionMetrics& metrics_;
};

}  // namespace relay::retention
