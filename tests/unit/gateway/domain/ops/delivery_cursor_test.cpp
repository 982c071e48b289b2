// Unit tests for the delivery listing's keyset cursor: round trips, and refusal of anything that
// was not made with the same key or was altered.
#include <boost/test/unit_test.hpp>

#include "gateway/domain/base64.hpp"
#include "gateway/domain/ops/delivery_cursor.hpp"

using namespace relay::domain::ops;

BOOST_AUTO_TEST_SUITE(delivery_cursor)

BOOST_AUTO_TEST_CASE(round_trips) {
  const CursorCodec codec("a-secret-of-enough-length-for-tests-0123");
  for (const DeliveryCursor cursor :
       {DeliveryCursor{1780073820315169LL, 1}, DeliveryCursor{0, 9'223'372'036'854'775'807LL},
        DeliveryCursor{-5, 42}}) {
    const std::string text = codec.encode(cursor);
    BOOST_TEST(text.size() <= max_cursor_chars);
    BOOST_TEST(text.find_first_of("+/=") == std::string::npos);  // URL-safe as it is
    BOOST_TEST((codec.decode(text).value() == cursor));
  }
}

BOOST_AUTO_TEST_CASE(refuses_altered_or_foreign_cursors) {
  const CursorCodec codec("a-secret-of-enough-length-for-tests-0123");
  const std::string text = codec.encode({1780073820315169LL, 77});
  // Every single-character change is refused.
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string altered = text;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    BOOST_TEST(!codec.decode(altered).has_value(), "position " << i);
  }
  BOOST_TEST(!CursorCodec("another-secret-entirely-0123456789abcdef").decode(text).has_value());
  BOOST_TEST(!codec.decode("").has_value());
  BOOST_TEST(!codec.decode("not base64 !").has_value());
  BOOST_TEST(!codec.decode(text + "AAAA").has_value());
  BOOST_TEST(!codec.decode(std::string(1000, 'A')).has_value());
  // A well-formed payload without the signature.
  BOOST_TEST(!codec.decode(relay::domain::base64url_encode(std::string(28, '\0'))).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
