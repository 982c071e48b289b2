// Tests of the fixed send window: epoch-aligned windows, remaining and reset arithmetic, the
// limit, and a fresh count in the next window or after a window-length change.
#include <boost/test/unit_test.hpp>

#include "tests/simulator/rate_window.hpp"

BOOST_AUTO_TEST_SUITE(simulator_rate_window)

using relay::sim::FixedWindowCounter;

BOOST_AUTO_TEST_CASE(counts_within_an_epoch_aligned_window) {
  FixedWindowCounter counter;
  const std::int64_t start = 1'700'000'040'000;  // a multiple of 60 s
  auto first = counter.hit(start + 500, 2, 60);
  BOOST_TEST(first.allowed);
  BOOST_TEST(first.limit == 2);
  BOOST_TEST(first.remaining == 1);
  BOOST_TEST(first.reset_seconds == 60);  // 59.5 s left, rounded up
  auto second = counter.hit(start + 30'000, 2, 60);
  BOOST_TEST(second.allowed);
  BOOST_TEST(second.remaining == 0);
  BOOST_TEST(second.reset_seconds == 30);
  auto third = counter.hit(start + 59'999, 2, 60);
  BOOST_TEST(!third.allowed);
  BOOST_TEST(third.remaining == 0);
  BOOST_TEST(third.reset_seconds == 1);
  auto next_window = counter.hit(start + 60'000, 2, 60);
  BOOST_TEST(next_window.allowed);
  BOOST_TEST(next_window.remaining == 1);
  BOOST_TEST(next_window.reset_seconds == 60);
}

BOOST_AUTO_TEST_CASE(window_start_is_a_multiple_of_the_length) {
  FixedWindowCounter counter;
  // 10 s windows: 1'700'000'045'000 lies in [..040'000, ..050'000).
  auto decision = counter.hit(1'700'000'045'000, 5, 10);
  BOOST_TEST(decision.reset_seconds == 5);
  auto later = counter.hit(1'700'000'049'001, 5, 10);
  BOOST_TEST(later.remaining == 3);
  BOOST_TEST(later.reset_seconds == 1);
  auto fresh = counter.hit(1'700'000'050'000, 5, 10);
  BOOST_TEST(fresh.remaining == 4);
}

BOOST_AUTO_TEST_CASE(rejected_requests_still_count_and_reset_clears) {
  FixedWindowCounter counter;
  const std::int64_t t = 1'700'000'040'000;
  BOOST_TEST(counter.hit(t, 1, 60).allowed);
  BOOST_TEST(!counter.hit(t + 1, 1, 60).allowed);
  BOOST_TEST(!counter.hit(t + 2, 1, 60).allowed);
  counter.reset();
  BOOST_TEST(counter.hit(t + 3, 1, 60).allowed);
}

BOOST_AUTO_TEST_CASE(changing_the_window_length_starts_over) {
  FixedWindowCounter counter;
  const std::int64_t t = 1'700'000'040'000;
  BOOST_TEST(counter.hit(t, 1, 60).allowed);
  BOOST_TEST(!counter.hit(t + 1, 1, 60).allowed);
  BOOST_TEST(counter.hit(t + 2, 1, 30).allowed);
}

BOOST_AUTO_TEST_SUITE_END()
