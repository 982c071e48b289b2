// Unit tests for gateway/auth/password_hash: round trips, wrong passwords, malformed encodings and
// generated passwords. Low iteration counts keep the suite fast; the format is the same.
#include "gateway/auth/password_hash.hpp"

#include <boost/test/unit_test.hpp>

#include <set>
#include <stdexcept>
#include <string>

namespace {
constexpr int fast = 1000;

std::string replace_part(const std::string& encoded, int index, const std::string& value) {
  std::string out;
  int part = 0;
  std::size_t start = 0;
  while (true) {
    const auto end = encoded.find('$', start);
    const std::string piece =
        encoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part > 0) out += '$';
    out += part == index ? value : piece;
    if (end == std::string::npos) break;
    start = end + 1;
    ++part;
  }
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(password_hash)

BOOST_AUTO_TEST_CASE(round_trip_and_format) {
  const std::string encoded = relay::auth::hash_password("correct horse", fast);
  BOOST_TEST(encoded.rfind("pbkdf2-sha256$1000$", 0) == 0u);
  BOOST_TEST(relay::auth::verify_password("correct horse", encoded));
  // 16-byte salt and 32-byte hash in padded base64: 24 and 44 characters.
  const auto salt_start = encoded.find('$', encoded.find('$') + 1) + 1;
  const auto hash_start = encoded.find('$', salt_start) + 1;
  BOOST_TEST(hash_start - salt_start - 1 == 24u);
  BOOST_TEST(encoded.size() - hash_start == 44u);
}

BOOST_AUTO_TEST_CASE(wrong_password_fails) {
  const std::string encoded = relay::auth::hash_password("secret-1", fast);
  BOOST_TEST(!relay::auth::verify_password("secret-2", encoded));
  BOOST_TEST(!relay::auth::verify_password("", encoded));
  BOOST_TEST(!relay::auth::verify_password("secret-1 ", encoded));
}

BOOST_AUTO_TEST_CASE(salts_differ) {
  BOOST_TEST(relay::auth::hash_password("same", fast) != relay::auth::hash_password("same", fast));
}

BOOST_AUTO_TEST_CASE(empty_password_round_trips) {
  BOOST_TEST(relay::auth::verify_password("", relay::auth::hash_password("", fast)));
}

BOOST_AUTO_TEST_CASE(default_iterations) {
  const std::string encoded = relay::auth::hash_password("pw");
  BOOST_TEST(encoded.rfind("pbkdf2-sha256$210000$", 0) == 0u);
  BOOST_TEST(relay::auth::verify_password("pw", encoded));
}

BOOST_AUTO_TEST_CASE(malformed_encodings_are_false) {
  const std::string good = relay::auth::hash_password("pw", fast);
  BOOST_REQUIRE(relay::auth::verify_password("pw", good));
  const std::string bad[] = {
      "",
      "pbkdf2-sha256",
      "pbkdf2-sha256$1000$",
      replace_part(good, 0, "pbkdf2-sha1"),
      replace_part(good, 0, "PBKDF2-SHA256"),
      replace_part(good, 1, ""),
      replace_part(good, 1, "0"),
      replace_part(good, 1, "-1000"),
      replace_part(good, 1, "+1000"),
      replace_part(good, 1, "01000"),
      replace_part(good, 1, "1000x"),
      replace_part(good, 1, "10000001"),              // above the cap
      replace_part(good, 1, "99999999999999999999"),  // overflow
      replace_part(good, 2, ""),
      replace_part(good, 2, "not base64!"),
      replace_part(good, 2, "AAAA AAAA"),
      replace_part(good, 3, ""),
      replace_part(good, 3, "AAAA"),  // wrong hash length
      replace_part(good, 3, "&&&&"),
      good + "$extra",
      good.substr(0, good.size() - 1),
  };
  for (const auto& encoded : bad) {
    BOOST_TEST(!relay::auth::verify_password("pw", encoded), "accepted: " << encoded);
  }
}

BOOST_AUTO_TEST_CASE(iteration_bounds_on_hash) {
  BOOST_CHECK_THROW(relay::auth::hash_password("pw", 0), std::invalid_argument);
  BOOST_CHECK_THROW(relay::auth::hash_password("pw", 10'000'001), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(generated_passwords_differ_and_use_the_alphabet) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string password = relay::auth::generate_password();
    BOOST_TEST(password.size() == 32u);
    for (char c : password) {
      const bool allowed =
          (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      BOOST_TEST(allowed, "unexpected character " << static_cast<int>(c));
    }
    seen.insert(password);
  }
  BOOST_TEST(seen.size() == 50u);
}

BOOST_AUTO_TEST_SUITE_END()
