// PauseGate: a cached copy of relay_pauses. A stale copy is replaced by a fresh read; concurrent
// readers may both refresh (a cheap query on a tiny table), and none waits for another.
#include "gateway/relay/pause_gate.hpp"

namespace relay::engine {

boost::asio::awaitable<bool> PauseGate::is_paused(std::int64_t vendor_id) {
  const auto now = std::chrono::steady_clock::now();
  bool fresh_enough = false;
  bool cached_answer = false;
  {
    std::lock_guard lock(mutex_);
    if (loaded_at_ && now - *loaded_at_ < max_age_) {
      fresh_enough = true;
      cached_answer = pauses_.covers(vendor_id);
    }
  }
  if (fresh_enough) co_return cached_answer;
  pg::PauseSet fresh = co_await store_.active();
  const bool paused = fresh.covers(vendor_id);
  {
    std::lock_guard lock(mutex_);
    pauses_ = std::move(fresh);
    loaded_at_ = now;
  }
  co_return paused;
}

}  // namespace relay::engine
