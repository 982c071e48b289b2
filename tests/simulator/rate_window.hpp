// Metriport's send limit: a fixed window aligned to multiples of the window length since the Unix
// epoch, counting every send request; the figures become RateLimit-* and Retry-After headers.
#pragma once

#include <cstdint>

namespace relay::sim {

struct WindowDecision {
  bool allowed = true;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;      // never negative
  std::int64_t reset_seconds = 0;  // ceil(seconds until the window ends), at least 1
};

// Not thread-safe; the simulator calls it under its state mutex.
class FixedWindowCounter {
 public:
  // Counts one request at now_ms in a window of window_seconds and decides it against limit.
  WindowDecision hit(std::int64_t now_ms, std::int64_t limit, std::int64_t window_seconds);
  void reset() { used_ = 0, window_start_ms_ = -1; }

 private:
  std::int64_t window_start_ms_ = -1;
  std::int64_t window_ms_ = 0;
  std::int64_t used_ = 0;
};

}  // namespace relay::sim
