// Tests for adapters/metriport/rate_limit_headers: Retry-After in both forms (and all three date
// forms), saturation, garbage; RateLimit-* separate and combined.
#include "adapters/metriport/rate_limit_headers.hpp"

#include <boost/test/unit_test.hpp>

namespace {
using namespace std::chrono;
using relay::metriport::parse_http_date;
using relay::metriport::parse_rate_limit;
using relay::metriport::parse_retry_after;

// 1994-11-06T08:49:37Z
const system_clock::time_point kDate =
    sys_days{year{1994} / 11 / 6} + hours{8} + minutes{49} + seconds{37};
}  // namespace

BOOST_AUTO_TEST_SUITE(metriport_rate_limit_headers)

BOOST_AUTO_TEST_CASE(http_date_forms) {
  BOOST_TEST((parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == kDate));
  BOOST_TEST((parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == kDate));
  BOOST_TEST((parse_http_date("Sun Nov  6 08:49:37 1994") == kDate));
  BOOST_TEST((parse_http_date("Sun Nov 06 08:49:37 1994") == kDate));
  BOOST_TEST((parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT ") == kDate));
  BOOST_TEST((parse_http_date("Thursday, 01-Jan-26 00:00:00 GMT") ==
              system_clock::time_point{sys_days{year{2026} / 1 / 1}}));
}

BOOST_AUTO_TEST_CASE(http_date_outside_the_clock_range_is_refused) {
  // Found by fuzzing: year 4177 overflowed system_clock's 64-bit nanoseconds.
  BOOST_TEST(!parse_http_date("Sun, 06 Nov 4177 08:49:37 GMT"));
  BOOST_TEST(!parse_http_date("Sun Nov  6 08:49:37 9999"));
  BOOST_TEST(!parse_http_date("Sun, 06 Nov 1900 08:49:37 GMT"));
  BOOST_TEST(parse_http_date("Sun, 06 Nov 2200 08:49:37 GMT").has_value());
}

BOOST_AUTO_TEST_CASE(http_date_rejects_malformed) {
  for (const char* text : {"", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
                           "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT",
                           "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:49:37 GMT",
                           "Xyz, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z",
                           "Sun Nov  6 08:49:37 1994 extra", "Sun, 00 Nov 1994 08:49:37 GMT"}) {
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(!parse_http_date(text).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(retry_after_seconds) {
  const auto now = system_clock::now();
  BOOST_TEST(parse_retry_after("120", now)->count() == 120'000);
  BOOST_TEST(parse_retry_after(" 0 ", now)->count() == 0);
  BOOST_TEST(parse_retry_after("99999999999999999999999", now)->count() ==
             duration_cast<milliseconds>(relay::metriport::max_retry_after).count());
  for (const char* text : {"", "-5", "1.5", "12s", "abc", "1 2"}) {
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(!parse_retry_after(text, now).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(retry_after_date) {
  BOOST_TEST(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", kDate)->count() == 30'000);
  BOOST_TEST(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kDate + seconds{10})->count() == 0);
  BOOST_TEST(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kDate - years{1})->count() ==
             duration_cast<milliseconds>(relay::metriport::max_retry_after).count());
}

BOOST_AUTO_TEST_CASE(rate_limit_separate_headers) {
  const auto info = parse_rate_limit("20", "5", "42", "");
  BOOST_TEST(*info.limit == 20);
  BOOST_TEST(*info.remaining == 5);
  BOOST_TEST(info.reset->count() == 42);
  const auto policy = parse_rate_limit("20, 20;w=60", " 0 ", "7", "");
  BOOST_TEST(*policy.limit == 20);
  BOOST_TEST(*policy.remaining == 0);
  const auto huge = parse_rate_limit("99999999999999999999", "", "", "");
  BOOST_TEST(*huge.limit == 2147483647);
  BOOST_TEST(!huge.remaining.has_value());
}

BOOST_AUTO_TEST_CASE(rate_limit_combined_and_garbage) {
  const auto combined = parse_rate_limit("", "", "", "limit=20, remaining=3, reset=15");
  BOOST_TEST(*combined.limit == 20);
  BOOST_TEST(*combined.remaining == 3);
  BOOST_TEST(combined.reset->count() == 15);
  const auto mixed = parse_rate_limit("10", "", "", "limit=20, remaining=3");
  BOOST_TEST(*mixed.limit == 10);
  BOOST_TEST(*mixed.remaining == 3);
  const auto garbage = parse_rate_limit("x", "-1", "1.5", "limit");
  BOOST_TEST(!garbage.limit.has_value());
  BOOST_TEST(!garbage.remaining.has_value());
  BOOST_TEST(!garbage.reset.has_value());
}

BOOST_AUTO_TEST_CASE(rate_limit_from_fields) {
  boost::beast::http::fields headers;
  headers.set("ratelimit-limit", "20");
  headers.set("RateLimit-Remaining", "19");
  headers.set("RATELIMIT-RESET", "60");
  const auto info = parse_rate_limit(headers);
  BOOST_TEST(*info.limit == 20);
  BOOST_TEST(*info.remaining == 19);
  BOOST_TEST(info.reset->count() == 60);
  BOOST_TEST((parse_rate_limit(boost::beast::http::fields{}) == relay::metriport::RateLimitInfo{}));
}

BOOST_AUTO_TEST_SUITE_END()
