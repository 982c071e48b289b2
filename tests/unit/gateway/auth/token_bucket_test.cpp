// Unit tests for the process-wide token bucket behind the failed-login limit: burst, refill rate,
// the cap, and Retry-After. Time is passed in, so nothing here sleeps.
#include <boost/test/unit_test.hpp>

#include "gateway/auth/token_bucket.hpp"

using relay::auth::TokenBucket;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(token_bucket)

BOOST_AUTO_TEST_CASE(a_full_bucket_allows_its_burst_then_refuses) {
  const auto start = TokenBucket::Clock::now();
  TokenBucket bucket(60, 5, start);
  for (int i = 0; i < 5; ++i) BOOST_TEST(bucket.try_take(start));
  BOOST_TEST(!bucket.try_take(start));
  BOOST_TEST(bucket.retry_after(start).count() == 1);  // 60 per minute: one a second
}

BOOST_AUTO_TEST_CASE(tokens_come_back_at_the_rate_per_minute) {
  const auto start = TokenBucket::Clock::now();
  TokenBucket bucket(6, 1, start);  // one token every 10 seconds
  BOOST_TEST(bucket.try_take(start));
  BOOST_TEST(!bucket.try_take(start + 5s));
  BOOST_TEST(bucket.retry_after(start + 5s).count() == 5);
  BOOST_TEST(bucket.try_take(start + 10s));
  BOOST_TEST(!bucket.try_take(start + 10s));
}

BOOST_AUTO_TEST_CASE(refill_stops_at_the_capacity) {
  const auto start = TokenBucket::Clock::now();
  TokenBucket bucket(60, 3, start);
  for (int i = 0; i < 3; ++i) BOOST_TEST(bucket.try_take(start));
  const auto later = start + 1h;  // an hour idle refills only up to the capacity
  for (int i = 0; i < 3; ++i) BOOST_TEST(bucket.try_take(later));
  BOOST_TEST(!bucket.try_take(later));
  BOOST_TEST(bucket.retry_after(later).count() >= 1);
}

BOOST_AUTO_TEST_CASE(refused_attempts_take_nothing) {
  const auto start = TokenBucket::Clock::now();
  TokenBucket bucket(60, 1, start);
  BOOST_TEST(bucket.try_take(start));
  for (int i = 0; i < 100; ++i) BOOST_TEST(!bucket.try_take(start + 500ms));
  BOOST_TEST(bucket.try_take(start + 1s));  // the refusals did not push the next token back
  BOOST_TEST(bucket.retry_after(start + 1s).count() == 1);
}

BOOST_AUTO_TEST_SUITE_END()
