// Continuous refill (fractional tokens), so the allowance is spread over the minute rather than
// handed out in one burst at each minute's start; time is passed in, so tests need no clock.
#include "gateway/auth/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace relay::auth {

TokenBucket::TokenBucket(std::size_t rate_per_minute, std::size_t capacity, Clock::time_point now)
    : rate_per_second_(static_cast<double>(std::max<std::size_t>(rate_per_minute, 1)) / 60.0),
      capacity_(static_cast<double>(std::max<std::size_t>(capacity, 1))),
      tokens_(capacity_),
      refilled_(now) {}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= refilled_) return;
  const std::chrono::duration<double> elapsed = now - refilled_;
  tokens_ = std::min(capacity_, tokens_ + elapsed.count() * rate_per_second_);
  refilled_ = now;
}

bool TokenBucket::try_take(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  refill(now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::chrono::seconds TokenBucket::retry_after(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  refill(now);
  if (tokens_ >= 1.0) return std::chrono::seconds(0);
  const double wait = (1.0 - tokens_) / rate_per_second_;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))));
}

}  // namespace relay::auth
