// Window arithmetic: the window containing now starts at floor(now / length) * length; a changed
// window length starts a fresh count.
#include "tests/simulator/rate_window.hpp"

#include <algorithm>

namespace relay::sim {

WindowDecision FixedWindowCounter::hit(std::int64_t now_ms, std::int64_t limit,
                                       std::int64_t window_seconds) {
  const std::int64_t window_ms = std::max<std::int64_t>(1, window_seconds) * 1000;
  const std::int64_t start = now_ms - ((now_ms % window_ms) + window_ms) % window_ms;
  if (start != window_start_ms_ || window_ms != window_ms_) {
    window_start_ms_ = start;
    window_ms_ = window_ms;
    used_ = 0;
  }
  ++used_;
  WindowDecision decision;
  decision.limit = limit;
  decision.allowed = used_ <= limit;
  decision.remaining = std::max<std::int64_t>(0, limit - used_);
  const std::int64_t left_ms = start + window_ms - now_ms;
  decision.reset_seconds = std::max<std::int64_t>(1, (left_ms + 999) / 1000);
  return decision;
}

}  // namespace relay::sim
