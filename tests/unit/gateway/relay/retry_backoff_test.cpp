// Unit tests for retry backoff: the doubling ceiling and its cap, jitter bounds, no overflow for
// absurd attempt numbers, and Retry-After taking precedence (within its one-hour cap).
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <random>

#include "gateway/relay/retry_backoff.hpp"

using namespace relay::engine;
using std::chrono::milliseconds;

BOOST_AUTO_TEST_SUITE(retry_backoff)

BOOST_AUTO_TEST_CASE(ceiling_doubles_from_base_up_to_the_cap) {
  const RetryPolicy policy;  // 1 s base, 300 s cap
  BOOST_TEST(backoff_ceiling(1, policy).count() == 1000);
  BOOST_TEST(backoff_ceiling(2, policy).count() == 2000);
  BOOST_TEST(backoff_ceiling(3, policy).count() == 4000);
  BOOST_TEST(backoff_ceiling(9, policy).count() == 256000);
  BOOST_TEST(backoff_ceiling(10, policy).count() == 300000);
  BOOST_TEST(backoff_ceiling(11, policy).count() == 300000);
}

BOOST_AUTO_TEST_CASE(attempts_below_one_count_as_one) {
  const RetryPolicy policy;
  BOOST_TEST(backoff_ceiling(0, policy).count() == 1000);
  BOOST_TEST(backoff_ceiling(-5, policy).count() == 1000);
}

BOOST_AUTO_TEST_CASE(huge_attempts_and_huge_durations_do_not_overflow) {
  const RetryPolicy policy;
  BOOST_TEST(backoff_ceiling(std::numeric_limits<int>::max(), policy).count() == 300000);
  RetryPolicy wide;
  wide.base = milliseconds(std::numeric_limits<std::int64_t>::max() / 3);
  wide.cap = milliseconds(std::numeric_limits<std::int64_t>::max());
  BOOST_TEST(backoff_ceiling(64, wide) == wide.cap);
  BOOST_TEST(backoff_ceiling(2, wide).count() == wide.base.count() * 2);
  BOOST_TEST(retry_delay(1000, wide, 0.999, std::nullopt) <= wide.cap);
}

BOOST_AUTO_TEST_CASE(base_above_cap_and_zero_base) {
  RetryPolicy inverted;
  inverted.base = milliseconds(10000);
  inverted.cap = milliseconds(500);
  BOOST_TEST(backoff_ceiling(1, inverted).count() == 500);
  RetryPolicy zero;
  zero.base = milliseconds(0);
  BOOST_TEST(backoff_ceiling(std::numeric_limits<int>::max(), zero).count() == 0);
  BOOST_TEST(retry_delay(5, zero, 0.7, std::nullopt).count() == 0);
}

BOOST_AUTO_TEST_CASE(full_jitter_spans_zero_to_the_ceiling) {
  const RetryPolicy policy;
  BOOST_TEST(retry_delay(3, policy, 0.0, std::nullopt).count() == 0);
  BOOST_TEST(retry_delay(3, policy, 0.5, std::nullopt).count() == 2000);
  BOOST_TEST(retry_delay(3, policy, 0.25, std::nullopt).count() == 1000);
  BOOST_TEST(retry_delay(3, policy, std::nextafter(1.0, 0.0), std::nullopt).count() == 3999);
  BOOST_TEST(retry_delay(20, policy, 0.5, std::nullopt).count() == 150000);
}

BOOST_AUTO_TEST_CASE(draws_outside_the_unit_interval_are_clamped) {
  const RetryPolicy policy;
  BOOST_TEST(retry_delay(3, policy, -1.0, std::nullopt).count() == 0);
  BOOST_TEST(retry_delay(3, policy, 1.0, std::nullopt).count() == 4000);
  BOOST_TEST(retry_delay(3, policy, 7.5, std::nullopt).count() == 4000);
  BOOST_TEST(retry_delay(3, policy, std::nan(""), std::nullopt).count() == 0);
}

BOOST_AUTO_TEST_CASE(random_draws_stay_within_bounds) {
  const RetryPolicy policy;
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int attempt = 1; attempt <= 40; ++attempt) {
    const auto ceiling = backoff_ceiling(attempt, policy);
    for (int i = 0; i < 200; ++i) {
      const auto delay = retry_delay(attempt, policy, unit(random), std::nullopt);
      BOOST_TEST_REQUIRE(delay.count() >= 0);
      BOOST_TEST_REQUIRE(delay < ceiling);
    }
  }
}

BOOST_AUTO_TEST_CASE(retry_after_is_honoured) {
  const RetryPolicy policy;
  // Longer than the jitter: Retry-After wins.
  BOOST_TEST(retry_delay(1, policy, 0.9, milliseconds(30000)).count() == 30000);
  // Shorter than the jitter: the backoff stands.
  BOOST_TEST(retry_delay(10, policy, 0.5, milliseconds(2000)).count() == 150000);
  // Retry-After 0 or negative changes nothing.
  BOOST_TEST(retry_delay(3, policy, 0.5, milliseconds(0)).count() == 2000);
  BOOST_TEST(retry_delay(3, policy, 0.5, milliseconds(-5000)).count() == 2000);
}

BOOST_AUTO_TEST_CASE(retry_after_is_capped_at_one_hour) {
  const RetryPolicy policy;
  BOOST_TEST(retry_delay(1, policy, 0.0, std::chrono::hours(30)) == max_retry_after);
  BOOST_TEST(max_retry_after == std::chrono::hours(1));
  RetryPolicy long_cap;
  long_cap.cap = std::chrono::hours(5);
  // The policy's own backoff may still exceed an hour: only the header is capped.
  BOOST_TEST(retry_delay(40, long_cap, 0.5, std::chrono::hours(30)) == std::chrono::minutes(150));
}

BOOST_AUTO_TEST_SUITE_END()
