// Wakes idle relay workers at once when work may have arrived (a NOTIFY, a reaped lease), instead
// of letting them sleep out their polling interval.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

namespace relay::engine {

// Thread-safe. A waiter takes a ticket before it looks for work and waits with it afterwards, so a
// notification in between is never lost. Waiters must run on a strand (or a one-thread executor):
// notify_all cancels their timers through their own executors.
class WakeSignal {
 public:
  using Ticket = std::uint64_t;

  Ticket ticket();
  // Returns after the timeout, or as soon as notify_all() was called after the ticket was taken.
  boost::asio::awaitable<void> wait_for(std::chrono::milliseconds timeout, Ticket ticket);
  void notify_all();

 private:
  std::mutex mutex_;
  std::uint64_t generation_ = 0;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> waiting_;
};

}  // namespace relay::engine
