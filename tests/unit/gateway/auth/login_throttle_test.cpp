// Unit tests for the per-name login throttle: the limit, the window, success resetting, cancelled
// attempts, and the bound on tracked names. Time is passed in, so nothing here sleeps.
#include <boost/test/unit_test.hpp>

#include "gateway/auth/login_throttle.hpp"

using relay::auth::LoginThrottle;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(login_throttle)

BOOST_AUTO_TEST_CASE(refuses_after_the_limit_until_the_window_ends) {
  LoginThrottle throttle(3, 60s);
  const auto start = LoginThrottle::Clock::now();
  for (int i = 0; i < 3; ++i) BOOST_TEST(throttle.begin_attempt("acme", start).count() == 0);
  BOOST_TEST(throttle.begin_attempt("acme", start + 10s).count() == 50);
  BOOST_TEST(throttle.begin_attempt("other", start + 10s).count() == 0);
  BOOST_TEST(throttle.begin_attempt("acme", start + 60s).count() == 0);  // a new window
}

BOOST_AUTO_TEST_CASE(parallel_attempts_are_counted_before_any_answer) {
  // Attempts are counted when they begin: requests in flight at once cannot exceed the limit.
  LoginThrottle throttle(2, 60s);
  const auto now = LoginThrottle::Clock::now();
  BOOST_TEST(throttle.begin_attempt("acme", now).count() == 0);
  BOOST_TEST(throttle.begin_attempt("acme", now).count() == 0);
  BOOST_TEST(throttle.begin_attempt("acme", now).count() > 0);
}

BOOST_AUTO_TEST_CASE(success_resets_the_count) {
  LoginThrottle throttle(2, 60s);
  const auto now = LoginThrottle::Clock::now();
  BOOST_TEST(throttle.begin_attempt("acme", now).count() == 0);
  throttle.record_success("acme");
  BOOST_TEST(throttle.begin_attempt("acme", now).count() == 0);
  BOOST_TEST(throttle.begin_attempt("acme", now).count() == 0);
}

BOOST_AUTO_TEST_CASE(cancelled_attempts_do_not_count) {
  // Attempts that never checked a password (the database was away) must not lock the name out.
  LoginThrottle throttle(2, 60s);
  const auto now = LoginThrottle::Clock::now();
  for (int i = 0; i < 5; ++i) {
    BOOST_TEST(throttle.begin_attempt("acme", now).count() == 0);
    throttle.cancel_attempt("acme");
  }
  BOOST_TEST(throttle.begin_attempt("acme", now).count() == 0);
  BOOST_TEST(throttle.begin_attempt("acme", now).count() == 0);
  BOOST_TEST(throttle.begin_attempt("acme", now).count() > 0);  // real attempts still count
  throttle.cancel_attempt("unknown");                           // nothing to cancel: no effect
}

BOOST_AUTO_TEST_CASE(tracked_names_are_bounded) {
  LoginThrottle throttle(1, 60s, 2);
  const auto now = LoginThrottle::Clock::now();
  BOOST_TEST(throttle.begin_attempt("a", now).count() == 0);
  BOOST_TEST(throttle.begin_attempt("b", now).count() == 0);
  BOOST_TEST(throttle.begin_attempt("c", now).count() == 0);  // not tracked: the table is full
  BOOST_TEST(throttle.begin_attempt("a", now).count() > 0);
  BOOST_TEST(throttle.begin_attempt("c", now).count() == 0);
  BOOST_TEST(throttle.begin_attempt("c", now + 61s).count() == 0);  // expired windows make room
  BOOST_TEST(throttle.begin_attempt("c", now + 61s).count() > 0);
}

BOOST_AUTO_TEST_SUITE_END()
