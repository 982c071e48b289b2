// WakeSignal: waiters poll a generation counter on a short timer tick, so notify_all needs no list
// of timers to cancel and a notification between two checks is never lost.
#include "gateway/relay/wake_signal.hpp"

#include <algorithm>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace relay::engine {

namespace {
constexpr std::chrono::milliseconds tick{10};  // the longest a notification waits to be seen
}

WakeSignal::WakeSignal(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}

boost::asio::awaitable<void> WakeSignal::wait_for(std::chrono::milliseconds timeout) {
  std::uint64_t seen = 0;
  {
    std::lock_guard lock(mutex_);
    seen = generation_;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  boost::asio::steady_timer timer(executor_);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mutex_);
      if (generation_ != seen) co_return;
    }
    timer.expires_after(std::min<std::chrono::steady_clock::duration>(
        tick, deadline - std::chrono::steady_clock::now()));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

void WakeSignal::notify_all() {
  std::lock_guard lock(mutex_);
  ++generation_;
}

}  // namespace relay::engine
