// Wakes idle relay workers at once when work may have arrived (a NOTIFY, a finished delivery),
// instead of letting them sleep out their polling interval.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace relay::engine {

// Thread-safe. wait_for returns after the timeout or at the first notify_all() after it began.
class WakeSignal {
 public:
  explicit WakeSignal(boost::asio::any_io_executor executor);
  boost::asio::awaitable<void> wait_for(std::chrono::milliseconds timeout);
  void notify_all();

 private:
  boost::asio::any_io_executor executor_;
  std::mutex mutex_;
  std::uint64_t generation_ = 0;
};

}  // namespace relay::engine
