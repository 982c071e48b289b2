// Unit tests for Metriport's plain-text normalisation (normalizeMessagePlainText in
// @metriport/shared): C0 controls and DEL dropped except tab, LF, CR; then JavaScript's trim.
#include <boost/test/unit_test.hpp>

#include "gateway/domain/metriport_text.hpp"

using relay::domain::normalise_like_metriport;

BOOST_AUTO_TEST_SUITE(metriport_text)

BOOST_AUTO_TEST_CASE(strips_controls_but_keeps_tab_lf_cr_inside) {
  BOOST_TEST(normalise_like_metriport("a\x01"
                                      "b\x7f"
                                      "c\td\ne\rf") == "abc\td\ne\rf");
  BOOST_TEST(normalise_like_metriport(std::string("x\0y", 3)) == "xy");
}

BOOST_AUTO_TEST_CASE(trims_ascii_and_unicode_white_space) {
  BOOST_TEST(normalise_like_metriport("  \t\r\n hello \n") == "hello");
  BOOST_TEST(normalise_like_metriport("\xC2\xA0hello\xE2\x80\x83") == "hello");  // NBSP, em space
  BOOST_TEST(normalise_like_metriport("\xEF\xBB\xBFhello") == "hello");          // BOM
  BOOST_TEST(normalise_like_metriport("caf\xC3\xA9") == "caf\xC3\xA9");
}

BOOST_AUTO_TEST_CASE(controls_between_spaces_collapse_to_empty) {
  BOOST_TEST(normalise_like_metriport(" \x01 \x02 ").empty());
  BOOST_TEST(normalise_like_metriport("").empty());
}

BOOST_AUTO_TEST_SUITE_END()
