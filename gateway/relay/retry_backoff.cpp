// Backoff arithmetic: doubling stops as soon as the cap is reached, so huge attempt numbers cannot
// overflow; jitter and Retry-After are combined with max so the server's wish always wins.
#include "gateway/relay/retry_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace relay::engine {

std::chrono::milliseconds backoff_ceiling(int attempt, const RetryPolicy& policy) {
  const std::int64_t cap = std::max<std::int64_t>(0, policy.cap.count());
  std::int64_t delay = std::clamp<std::int64_t>(policy.base.count(), 0, cap);
  for (int doubling = 1; doubling < attempt && delay > 0 && delay < cap; ++doubling) {
    delay = (delay > cap / 2) ? cap : delay * 2;
  }
  return std::chrono::milliseconds(delay);
}

std::chrono::milliseconds retry_delay(int attempt, const RetryPolicy& policy, double unit_random,
                                      std::optional<std::chrono::milliseconds> retry_after) {
  const double draw = std::isnan(unit_random) ? 0.0 : std::clamp(unit_random, 0.0, 1.0);
  const std::int64_t ceiling = backoff_ceiling(attempt, policy).count();
  std::int64_t delay =
      std::min(ceiling, static_cast<std::int64_t>(std::floor(draw * static_cast<double>(ceiling))));
  if (retry_after) {
    const std::int64_t wanted =
        std::clamp<std::int64_t>(retry_after->count(), 0, max_retry_after.count());
    delay = std::max(delay, wanted);
  }
  return std::chrono::milliseconds(delay);
}

}  // namespace relay::engine
