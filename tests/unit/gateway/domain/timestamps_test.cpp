// Unit tests for the portal's timestamp format and the query-date parser of the search endpoint.
// Dates are computed without the C library's time zone, so these hold on any machine.
#include <boost/test/unit_test.hpp>

#include "gateway/domain/timestamps.hpp"

using namespace relay::domain;

BOOST_AUTO_TEST_SUITE(timestamps)

BOOST_AUTO_TEST_CASE(formats_like_dotnet_round_trip_with_offset) {
  BOOST_TEST(format_portal_timestamp(0) == "1970-01-01T00:00:00.0000000+00:00");
  // 2026-05-29T16:57:00.315169Z
  const EpochMicros instant = 1780073820LL * 1'000'000 + 315169;
  BOOST_TEST(format_portal_timestamp(instant) == "2026-05-29T16:57:00.3151690+00:00");
}

BOOST_AUTO_TEST_CASE(parses_dates_and_date_times) {
  BOOST_TEST(parse_portal_timestamp("1970-01-02").value() == 86'400'000'000LL);
  BOOST_TEST(parse_portal_timestamp("2026-05-29T16:57:00.3151696+00:00").value() ==
             1780073820LL * 1'000'000 + 315169);
  BOOST_TEST(parse_portal_timestamp("2026-05-29T18:57:00+02:00").value() ==
             1780073820LL * 1'000'000);
  BOOST_TEST(parse_portal_timestamp("2026-05-29T16:57Z").value() == 1780073820LL * 1'000'000);
  BOOST_TEST(parse_portal_timestamp("2024-02-29").has_value());
}

BOOST_AUTO_TEST_CASE(rejects_malformed_and_impossible_dates) {
  BOOST_TEST(!parse_portal_timestamp("2024-03-05T014:22:10").has_value());
  BOOST_TEST(!parse_portal_timestamp("2023-02-29").has_value());
  BOOST_TEST(!parse_portal_timestamp("2026-13-01").has_value());
  BOOST_TEST(!parse_portal_timestamp("2026-05-29T24:00:00").has_value());
  BOOST_TEST(!parse_portal_timestamp("yesterday").has_value());
  BOOST_TEST(!parse_portal_timestamp("2026-05-29T16:57:00+0200").has_value());
  BOOST_TEST(!parse_portal_timestamp("").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
