// WakeSignal: a waiter wakes at once on notify_all, sleeps out its timeout otherwise, and never
// misses a notification that came between taking its ticket and parking.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <thread>

#include "gateway/relay/wake_signal.hpp"

namespace {

using relay::engine::WakeSignal;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Runs one wait on a strand of a two-thread io_context; returns how long it took.
Clock::duration timed_wait(WakeSignal& signal, std::chrono::milliseconds timeout,
                           WakeSignal::Ticket ticket, std::function<void()> while_parked) {
  boost::asio::io_context io;
  Clock::duration took{};
  boost::asio::co_spawn(
      boost::asio::make_strand(io),
      [&]() -> boost::asio::awaitable<void> {
        const auto start = Clock::now();
        co_await signal.wait_for(timeout, ticket);
        took = Clock::now() - start;
      },
      boost::asio::detached);
  std::thread notifier([&] {
    std::this_thread::sleep_for(50ms);
    while_parked();
  });
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  notifier.join();
  return took;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(relay_wake_signal)

BOOST_AUTO_TEST_CASE(notify_wakes_a_parked_waiter_at_once) {
  WakeSignal signal;
  const auto took = timed_wait(signal, 10s, signal.ticket(), [&] { signal.notify_all(); });
  BOOST_TEST(took < 5s);  // woken by the notification, not by the 10-second timeout
}

BOOST_AUTO_TEST_CASE(without_notify_the_wait_lasts_its_timeout) {
  WakeSignal signal;
  const auto took = timed_wait(signal, 200ms, signal.ticket(), [] {});
  BOOST_TEST(took >= 200ms);
}

BOOST_AUTO_TEST_CASE(a_notification_before_parking_is_not_lost) {
  WakeSignal signal;
  const auto ticket = signal.ticket();
  signal.notify_all();  // work arrived while the waiter was still looking
  const auto took = timed_wait(signal, 10s, ticket, [] {});
  BOOST_TEST(took < 5s);
}

BOOST_AUTO_TEST_SUITE_END()
