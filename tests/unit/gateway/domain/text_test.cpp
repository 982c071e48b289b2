// Unit tests for UTF-8 validation and counting, which decide whether text may be stored and how
// long a subject is in Metriport's terms (UTF-16 units).
#include <boost/test/unit_test.hpp>

#include "gateway/domain/text.hpp"

using namespace relay::domain;

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_CASE(valid_utf8_is_accepted) {
  BOOST_TEST(is_valid_utf8(""));
  BOOST_TEST(is_valid_utf8("plain ascii"));
  BOOST_TEST(is_valid_utf8("caf\xC3\xA9"));       // é
  BOOST_TEST(is_valid_utf8("\xE2\x82\xAC"));      // €
  BOOST_TEST(is_valid_utf8("\xF0\x9F\x98\x80"));  // emoji
  BOOST_TEST(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_rejected) {
  BOOST_TEST(!is_valid_utf8("\xC3"));              // truncated
  BOOST_TEST(!is_valid_utf8("\xC0\xAF"));          // overlong '/'
  BOOST_TEST(!is_valid_utf8("\xE0\x80\xAF"));      // overlong
  BOOST_TEST(!is_valid_utf8("\xED\xA0\x80"));      // surrogate
  BOOST_TEST(!is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  BOOST_TEST(!is_valid_utf8("\xFF"));
  BOOST_TEST(!is_valid_utf8("a\x80z"));  // lone continuation
}

BOOST_AUTO_TEST_CASE(lengths_in_code_points_and_utf16_units) {
  BOOST_TEST(utf8_length("caf\xC3\xA9") == 4u);
  BOOST_TEST(utf16_length("caf\xC3\xA9") == 4u);
  BOOST_TEST(utf8_length("\xF0\x9F\x98\x80") == 1u);
  BOOST_TEST(utf16_length("\xF0\x9F\x98\x80") == 2u);
  BOOST_TEST(utf8_prefix("caf\xC3\xA9s", 4) == "caf\xC3\xA9");
  BOOST_TEST(utf8_prefix("abc", 10) == "abc");
}

BOOST_AUTO_TEST_CASE(case_insensitive_ascii_compare) {
  BOOST_TEST(iequals("Sent", "sENT"));
  BOOST_TEST(!iequals("Sent", "Sen"));
  BOOST_TEST(to_lower_ascii("ExternalId") == "externalid");
}

BOOST_AUTO_TEST_SUITE_END()
