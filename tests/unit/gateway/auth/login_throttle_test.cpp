// Unit tests for the per-name login throttle: the limit, the window, success resetting, cancelled
// attempts, and the bounded table of unknown names, which refuses rather than forgets.
#include <boost/test/unit_test.hpp>

#include <string>

#include "gateway/auth/login_throttle.hpp"

using relay::auth::LoginThrottle;
using relay::auth::NameKind;
using namespace std::chrono_literals;

namespace {
std::chrono::seconds attempt(LoginThrottle& throttle, const std::string& name, NameKind kind,
                             LoginThrottle::Clock::time_point now) {
  return throttle.begin_attempt(name, kind, now).retry_after;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(login_throttle)

BOOST_AUTO_TEST_CASE(refuses_after_the_limit_until_the_window_ends) {
  for (const auto kind : {NameKind::vendor, NameKind::unknown}) {
    LoginThrottle throttle(3, 60s);
    const auto start = LoginThrottle::Clock::now();
    for (int i = 0; i < 3; ++i) BOOST_TEST(attempt(throttle, "acme", kind, start).count() == 0);
    const auto refused = throttle.begin_attempt("acme", kind, start + 10s);
    BOOST_TEST(refused.retry_after.count() == 50);
    BOOST_TEST(!refused.table_full);
    BOOST_TEST(attempt(throttle, "other", kind, start + 10s).count() == 0);
    BOOST_TEST(attempt(throttle, "acme", kind, start + 60s).count() == 0);  // a new window
  }
}

BOOST_AUTO_TEST_CASE(parallel_attempts_are_counted_before_any_answer) {
  // Attempts are counted when they begin: requests in flight at once cannot exceed the limit.
  LoginThrottle throttle(2, 60s);
  const auto now = LoginThrottle::Clock::now();
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now).count() == 0);
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now).count() == 0);
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now).count() > 0);
}

BOOST_AUTO_TEST_CASE(success_resets_the_count) {
  LoginThrottle throttle(2, 60s);
  const auto now = LoginThrottle::Clock::now();
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now).count() == 0);
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now).count() == 0);
  throttle.record_success("acme");
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now).count() == 0);
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now).count() == 0);
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now).count() > 0);
}

BOOST_AUTO_TEST_CASE(cancelled_attempts_do_not_count) {
  // Attempts that never checked a password (the database was away) must not lock the name out.
  LoginThrottle throttle(2, 60s);
  const auto now = LoginThrottle::Clock::now();
  for (const auto kind : {NameKind::vendor, NameKind::unknown}) {
    const std::string name = kind == NameKind::vendor ? "acme" : "nobody";
    for (int i = 0; i < 5; ++i) {
      BOOST_TEST(throttle.begin_attempt(name, kind, now).allowed());
      throttle.cancel_attempt(name, kind);
    }
    BOOST_TEST(throttle.begin_attempt(name, kind, now).allowed());
    BOOST_TEST(throttle.begin_attempt(name, kind, now).allowed());
    BOOST_TEST(!throttle.begin_attempt(name, kind, now).allowed());  // real attempts still count
  }
  throttle.cancel_attempt("unseen", NameKind::vendor);  // nothing to cancel: no effect
}

BOOST_AUTO_TEST_CASE(fails_closed_after_more_random_names_than_it_tracks) {
  // The default table (10,000 unknown names) filled by a flood of random names: a vendor's name is
  // still throttled after its 10 failures, and new random names are refused, not let through.
  LoginThrottle throttle;
  const auto now = LoginThrottle::Clock::now();
  for (int i = 0; i < 12000; ++i) {
    (void)throttle.begin_attempt("random-" + std::to_string(i), NameKind::unknown, now);
  }
  for (int i = 0; i < 10; ++i) {
    BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now + 1s).count() == 0);
  }
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now + 1s).count() > 0);
  const auto refused = throttle.begin_attempt("random-new", NameKind::unknown, now + 1s);
  BOOST_TEST(refused.table_full);
  BOOST_TEST(refused.retry_after.count() == 299);  // until the oldest tracked window ends
  // Names already tracked keep being counted and refused by their own limit.
  for (int i = 1; i < 10; ++i) {
    BOOST_TEST(attempt(throttle, "random-0", NameKind::unknown, now + 1s).count() == 0);
  }
  const auto own_limit = throttle.begin_attempt("random-0", NameKind::unknown, now + 1s);
  BOOST_TEST(own_limit.retry_after.count() > 0);
  BOOST_TEST(!own_limit.table_full);
}

BOOST_AUTO_TEST_CASE(ended_windows_make_room_for_new_unknown_names) {
  LoginThrottle throttle(1, 60s, 2);
  const auto now = LoginThrottle::Clock::now();
  BOOST_TEST(attempt(throttle, "a", NameKind::unknown, now).count() == 0);
  BOOST_TEST(attempt(throttle, "b", NameKind::unknown, now + 10s).count() == 0);
  BOOST_TEST(attempt(throttle, "c", NameKind::unknown, now + 20s).count() == 40);  // full
  BOOST_TEST(attempt(throttle, "a", NameKind::unknown, now + 20s).count() == 40);  // own limit
  BOOST_TEST(attempt(throttle, "c", NameKind::unknown, now + 60s).count() == 0);   // a ended
  BOOST_TEST(attempt(throttle, "c", NameKind::unknown, now + 60s).count() > 0);
  BOOST_TEST(attempt(throttle, "d", NameKind::unknown, now + 60s).count() == 10);  // full again
  // Vendors' names never depend on the unknown-name table.
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now + 60s).count() == 0);
  BOOST_TEST(attempt(throttle, "acme", NameKind::vendor, now + 60s).count() > 0);
}

BOOST_AUTO_TEST_CASE(success_of_a_vendor_does_not_clear_an_unknown_name) {
  LoginThrottle throttle(1, 60s);
  const auto now = LoginThrottle::Clock::now();
  BOOST_TEST(attempt(throttle, "ghost", NameKind::unknown, now).count() == 0);
  throttle.record_success("ghost");
  BOOST_TEST(attempt(throttle, "ghost", NameKind::unknown, now).count() > 0);
}

BOOST_AUTO_TEST_CASE(a_name_found_to_be_a_vendor_keeps_its_count) {
  LoginThrottle throttle(3, 60s);
  const auto now = LoginThrottle::Clock::now();
  BOOST_TEST(attempt(throttle, "new-vendor", NameKind::unknown, now).count() == 0);
  throttle.mark_vendor("new-vendor");
  BOOST_TEST(attempt(throttle, "new-vendor", NameKind::vendor, now).count() == 0);
  BOOST_TEST(attempt(throttle, "new-vendor", NameKind::vendor, now).count() == 0);
  BOOST_TEST(attempt(throttle, "new-vendor", NameKind::vendor, now).count() > 0);
  throttle.mark_vendor("never-seen");  // nothing to carry over
  BOOST_TEST(attempt(throttle, "never-seen", NameKind::vendor, now).count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
