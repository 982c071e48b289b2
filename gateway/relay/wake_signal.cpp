// WakeSignal: each waiter parks on its own timer; notify_all bumps the generation and cancels the
// parked timers on their own executors (a timer is not safe to touch from another thread).
#include "gateway/relay/wake_signal.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace relay::engine {

WakeSignal::Ticket WakeSignal::ticket() {
  std::lock_guard lock(mutex_);
  return generation_;
}

boost::asio::awaitable<void> WakeSignal::wait_for(std::chrono::milliseconds timeout,
                                                  Ticket ticket) {
  auto timer = std::make_shared<boost::asio::steady_timer>(
      co_await boost::asio::this_coro::executor, timeout);
  {
    std::lock_guard lock(mutex_);
    if (generation_ != ticket) co_return;  // notified since the ticket was taken
    waiting_.push_back(timer);
  }
  // Expiry and cancellation both just end the wait.
  co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  std::lock_guard lock(mutex_);
  waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), timer), waiting_.end());
}

void WakeSignal::notify_all() {
  std::vector<std::shared_ptr<boost::asio::steady_timer>> parked;
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    parked.swap(waiting_);
  }
  for (auto& timer : parked) {
    boost::asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }
}

}  // namespace relay::engine
