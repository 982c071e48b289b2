// In use is counted up on each lease and down on its return, so a scrape reads it without asking
// the pool (and without taking the pool's lock).
#include "gateway/metrics/pool_metrics.hpp"

#include "gateway/metrics/buckets.hpp"

namespace relay::metrics {

PoolMetrics::PoolMetrics(const PoolFamilies& families, const std::string& pool, std::size_t size)
    : in_use_(families.in_use.Add({{"pool", pool}})),
      acquire_(families.acquire.Add({{"pool", pool}}, buckets::database_acquire)) {
  families.max.Add({{"pool", pool}}).Set(static_cast<double>(size));
}

void PoolMetrics::on_acquired(std::chrono::steady_clock::duration waited) noexcept {
  in_use_.Increment();
  acquire_.Observe(std::chrono::duration<double>(waited).count());
}

void PoolMetrics::on_released() noexcept {
  in_use_.Decrement();
}

}  // namespace relay::metrics
