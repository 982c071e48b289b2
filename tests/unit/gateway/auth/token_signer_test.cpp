// Unit tests for gateway/auth/token_signer: issue/verify round trips, expiry, wrong secrets, and
// tampering with every part of the token (including well-signed tokens with bad fields).
#include "gateway/auth/token_signer.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/domain/base64.hpp"
#include "gateway/domain/digest.hpp"

namespace {
using namespace std::chrono_literals;
const std::string secret(40, 'k');
const std::chrono::system_clock::time_point t0{std::chrono::seconds{1'700'000'000}};

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = token.find('.', start);
    parts.push_back(
        token.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += '.';
    out += parts[i];
  }
  return out;
}

// A correctly signed token with arbitrary fields, to check field validation behind the signature.
std::string forge(const std::string& key, const std::string& body) {
  return body + "." + relay::domain::base64url_encode(relay::domain::hmac_sha256_raw(key, body));
}

// Flips one character of a string to another character of the base64url alphabet.
std::string flip(std::string text, std::size_t index) {
  text[index] = text[index] == 'A' ? 'B' : 'A';
  return text;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(token_signer)

BOOST_AUTO_TEST_CASE(round_trip) {
  const relay::auth::TokenSigner signer(secret, 3600s);
  const std::string token = signer.issue(42, t0);
  BOOST_TEST(token.rfind("v1.42.1700003600.", 0) == 0u);
  const auto claims = signer.verify(token, t0 + 10s);
  BOOST_REQUIRE(claims.has_value());
  BOOST_TEST(claims->vendor_id == 42);
  BOOST_TEST(claims->expires_at_unix == 1'700'003'600);
  BOOST_TEST(signer.lifetime().count() == 3600);
  BOOST_TEST(split(token).size() == 5u);
}

BOOST_AUTO_TEST_CASE(tokens_are_unique) {
  const relay::auth::TokenSigner signer(secret, 60s);
  BOOST_TEST(signer.issue(1, t0) != signer.issue(1, t0));
}

BOOST_AUTO_TEST_CASE(expiry_is_exclusive) {
  const relay::auth::TokenSigner signer(secret, 60s);
  const std::string token = signer.issue(7, t0);
  BOOST_TEST(signer.verify(token, t0 + 59s).has_value());
  BOOST_TEST(signer.verify(token, t0 + 59s + 999ms).has_value());
  BOOST_TEST(!signer.verify(token, t0 + 60s).has_value());
  BOOST_TEST(!signer.verify(token, t0 + 3600s).has_value());
}

BOOST_AUTO_TEST_CASE(wrong_secret_rejected) {
  const relay::auth::TokenSigner a(secret, 60s);
  const relay::auth::TokenSigner b(std::string(40, 'j'), 60s);
  BOOST_TEST(!b.verify(a.issue(3, t0), t0).has_value());
}

BOOST_AUTO_TEST_CASE(short_secret_and_bad_lifetime_throw) {
  BOOST_CHECK_THROW(relay::auth::TokenSigner(std::string(31, 'x'), 60s), std::invalid_argument);
  BOOST_CHECK_NO_THROW(relay::auth::TokenSigner(std::string(32, 'x'), 60s));
  BOOST_CHECK_THROW(relay::auth::TokenSigner(secret, 0s), std::invalid_argument);
  const relay::auth::TokenSigner signer(secret, 60s);
  BOOST_CHECK_THROW(signer.issue(0, t0), std::invalid_argument);
  BOOST_CHECK_THROW(signer.issue(-5, t0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(tampering_with_any_part_fails) {
  const relay::auth::TokenSigner signer(secret, 3600s);
  const std::string token = signer.issue(42, t0);
  auto parts = split(token);
  for (std::size_t part = 0; part < parts.size(); ++part) {
    for (std::size_t i = 0; i < parts[part].size(); ++i) {
      auto changed = parts;
      changed[part] = flip(changed[part], i);
      BOOST_TEST(!signer.verify(join(changed, 5), t0).has_value(),
                 "accepted change at part " << part << " index " << i);
    }
  }
  auto other_vendor = parts;
  other_vendor[1] = "43";
  BOOST_TEST(!signer.verify(join(other_vendor, 5), t0).has_value());
  auto longer = parts;
  longer[2] = "9" + longer[2];
  BOOST_TEST(!signer.verify(join(longer, 5), t0).has_value());
}

BOOST_AUTO_TEST_CASE(malformed_tokens_fail) {
  const relay::auth::TokenSigner signer(secret, 3600s);
  const std::string token = signer.issue(42, t0);
  const auto parts = split(token);
  const std::string bad[] = {
      "",
      ".",
      "....",
      join(parts, 4),
      token + ".",
      token + ".extra",
      "." + token,
      token + "=",
      token.substr(0, token.size() - 1),
      std::string(600, 'a'),
  };
  for (const auto& text : bad) {
    BOOST_TEST(!signer.verify(text, t0).has_value(), "accepted: " << text);
  }
}

BOOST_AUTO_TEST_CASE(validly_signed_but_bad_fields_fail) {
  const relay::auth::TokenSigner signer(secret, 3600s);
  const std::string nonce = relay::domain::base64url_encode(std::string(16, 'n'));
  BOOST_REQUIRE(signer.verify(forge(secret, "v1.5.1800000000." + nonce), t0).has_value());
  const std::string bodies[] = {
      "v2.5.1800000000." + nonce,
      "V1.5.1800000000." + nonce,
      "v1.+5.1800000000." + nonce,
      "v1.-5.1800000000." + nonce,
      "v1.05.1800000000." + nonce,
      "v1.0.1800000000." + nonce,
      "v1..1800000000." + nonce,
      "v1.5x.1800000000." + nonce,
      "v1. 5.1800000000." + nonce,
      "v1.5.+1800000000." + nonce,
      "v1.5.-1800000000." + nonce,
      "v1.99999999999999999999.1800000000." + nonce,  // overflows int64
      "v1.5.99999999999999999999." + nonce,
      "v1.5.1800000000.",
      "v1.5.1800000000.short",
      "v1.5.1800000000." + nonce + "AA",
      "v1.5.1800000000." + nonce + "$",
  };
  for (const auto& body : bodies) {
    BOOST_TEST(!signer.verify(forge(secret, body), t0).has_value(), "accepted: " << body);
  }
  // Over 512 bytes even when correctly signed.
  const std::string padded =
      "v1.5.1800000000." + relay::domain::base64url_encode(std::string(400, 'n'));
  BOOST_TEST(!signer.verify(forge(secret, padded), t0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
