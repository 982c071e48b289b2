// Unit tests for masking patient identifiers: the last four characters of long identifiers only,
// nothing of short ones, and multi-byte characters kept whole.
#include <boost/test/unit_test.hpp>

#include "gateway/ops/identifier_mask.hpp"

using relay::ops::mask_identifier;

BOOST_AUTO_TEST_SUITE(identifier_mask)

BOOST_AUTO_TEST_CASE(long_identifiers_keep_their_last_four_characters) {
  BOOST_TEST(mask_identifier("PAT-4711") ==
             "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"
             "4711");
  BOOST_TEST(mask_identifier("MRN-000123456789") ==
             "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"
             "6789");
}

BOOST_AUTO_TEST_CASE(short_identifiers_show_nothing) {
  BOOST_TEST(mask_identifier("") == "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
  BOOST_TEST(mask_identifier("1234") == "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
  BOOST_TEST(mask_identifier("P-12345") == "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2");
}

BOOST_AUTO_TEST_CASE(multibyte_characters_are_never_cut) {
  // "Ärztin-Ü€12": the last four code points are "Ü€12" (2 + 3 + 1 + 1 bytes).
  BOOST_TEST(mask_identifier("\xC3\x84rztin-\xC3\x9C\xE2\x82\xAC"
                             "12") ==
             "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xC3\x9C\xE2\x82\xAC"
             "12");
}

BOOST_AUTO_TEST_SUITE_END()
