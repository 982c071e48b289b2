// The gateway's side of the database pool's observer port: connections in use, the pool's size,
// and how long callers wait for a connection, per pool ("api": HTTP requests; "relay": the relay).
#pragma once

#include <cstddef>
#include <string>

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include "adapters/postgres/pool_observer.hpp"

namespace relay::metrics {

struct PoolFamilies {
  prometheus::Family<prometheus::Gauge>& in_use;
  prometheus::Family<prometheus::Gauge>& max;
  prometheus::Family<prometheus::Histogram>& acquire;
};

class PoolMetrics final : public pg::PoolObserver {
 public:
  PoolMetrics(const PoolFamilies& families, const std::string& pool, std::size_t size);
  void on_acquired(std::chrono::steady_clock::duration waited) noexcept override;
  void on_released() noexcept override;

 private:
  prometheus::Gauge& in_use_;
  prometheus::Histogram& acquire_;
};

}  // namespace relay::metrics
