// Unit tests for the strict base64 codecs: RFC 4648 vectors, whitespace, and every malformed form.
// Attachments are decoded with these at intake, so a lenient decoder would store corrupted files.
#include <boost/test/unit_test.hpp>

#include "gateway/domain/base64.hpp"

using namespace relay::domain;

BOOST_AUTO_TEST_SUITE(base64)

BOOST_AUTO_TEST_CASE(rfc4648_vectors_round_trip) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    BOOST_TEST(base64_encode(plain) == encoded);
    BOOST_TEST(base64_decode(encoded).value() == plain);
  }
}

BOOST_AUTO_TEST_CASE(binary_bytes_round_trip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  BOOST_TEST(base64_decode(base64_encode(bytes)).value() == bytes);
  BOOST_TEST(base64url_decode(base64url_encode(bytes)).value() == bytes);
}

BOOST_AUTO_TEST_CASE(line_wrapped_input_is_accepted) {
  BOOST_TEST(base64_decode("Zm9v\r\nYmFy").value() == "foobar");
}

BOOST_AUTO_TEST_CASE(malformed_input_is_rejected) {
  BOOST_TEST(!base64_decode("Zm9v!").has_value());      // character outside the alphabet
  BOOST_TEST(!base64_decode("Zg").has_value());         // missing padding
  BOOST_TEST(!base64_decode("Zg=").has_value());        // short padding
  BOOST_TEST(!base64_decode("Zg===").has_value());      // too much padding
  BOOST_TEST(!base64_decode("Zg==Zg==").has_value());   // data after padding
  BOOST_TEST(!base64_decode("Z").has_value());          // impossible length
  BOOST_TEST(!base64_decode("Zh==").has_value());       // non-zero unused bits
  BOOST_TEST(!base64_decode("Zm9v-_").has_value());     // url alphabet in standard base64
  BOOST_TEST(!base64url_decode("Zm9v+/").has_value());  // standard alphabet in base64url
}

BOOST_AUTO_TEST_SUITE_END()
