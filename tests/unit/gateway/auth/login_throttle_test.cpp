// Unit tests for the per-name login throttle: the limit, the window, success resetting, and the bound
// on tracked names. Time is passed in, so nothing here sleeps.
#include <boost/test/unit_test.hpp>

#include "gateway/auth/login_throttle.hpp"

using relay::auth::LoginThrottle;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(login_throttle)

BOOST_AUTO_TEST_CASE(refuses_after_the_limit_until_the_window_ends) {
  LoginThrottle throttle(3, 60s);
  const auto start = LoginThrottle::Clock::now();
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(throttle.retry_after("acme", start).count() == 0);
    throttle.record_failure("acme", start);
  }
  BOOST_TEST(throttle.retry_after("acme", start + 10s).count() == 50);
  BOOST_TEST(throttle.retry_after("other", start + 10s).count() == 0);
  BOOST_TEST(throttle.retry_after("acme", start + 60s).count() == 0);
}

BOOST_AUTO_TEST_CASE(success_resets_the_count) {
  LoginThrottle throttle(2, 60s);
  const auto now = LoginThrottle::Clock::now();
  throttle.record_failure("acme", now);
  throttle.record_success("acme");
  throttle.record_failure("acme", now);
  BOOST_TEST(throttle.retry_after("acme", now).count() == 0);
}

BOOST_AUTO_TEST_CASE(tracked_names_are_bounded) {
  LoginThrottle throttle(1, 60s, 2);
  const auto now = LoginThrottle::Clock::now();
  throttle.record_failure("a", now);
  throttle.record_failure("b", now);
  throttle.record_failure("c", now);  // not tracked: the table is full of live windows
  BOOST_TEST(throttle.retry_after("a", now).count() > 0);
  BOOST_TEST(throttle.retry_after("c", now).count() == 0);
  throttle.record_failure("c", now + 61s);  // expired windows make room
  BOOST_TEST(throttle.retry_after("c", now + 61s).count() > 0);
}

BOOST_AUTO_TEST_SUITE_END()
