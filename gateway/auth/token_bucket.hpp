// A token bucket counting events across the whole process (e.g. failed logins for any name):
// `rate` tokens per minute refill it up to `capacity`; an event takes one or is refused.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>

namespace relay::auth {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts full. rate_per_minute and capacity are at least 1.
  TokenBucket(std::size_t rate_per_minute, std::size_t capacity, Clock::time_point now);

  // Takes a token when one is left: true. False (nothing taken) when the bucket is empty.
  bool try_take(Clock::time_point now);
  // Whole seconds until a token will be there (at least 1 when empty, 0 when one is there now).
  std::chrono::seconds retry_after(Clock::time_point now);

 private:
  void refill(Clock::time_point now);  // callers hold mutex_

  double rate_per_second_;
  double capacity_;
  std::mutex mutex_;
  double tokens_;
  Clock::time_point refilled_;
};

}  // namespace relay::auth
