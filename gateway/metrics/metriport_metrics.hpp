// The gateway's side of the Metriport client's observer port: requests by operation and status
// class, their durations, and 429s.
#pragma once

#include <array>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "adapters/metriport/call_observer.hpp"
#include "gateway/metrics/status_class.hpp"

namespace relay::metrics {

class MetriportMetrics final : public metriport::CallObserver {
 public:
  explicit MetriportMetrics(prometheus::Registry& registry);
  void on_call(const metriport::CallReport& report) noexcept override;

 private:
  std::array<prometheus::Counter*, metriport::operation_count * status_class_count> requests_{};
  std::array<prometheus::Histogram*, metriport::operation_count> durations_{};
  std::array<prometheus::Counter*, metriport::operation_count> rate_limited_{};
};

}  // namespace relay::metrics
