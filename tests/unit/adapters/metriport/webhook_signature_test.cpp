// Tests for adapters/metriport/webhook_signature: the spec's test vector, hex case, whitespace,
// key rotation (several keys), empty keys and one-byte changes of body or signature.
#include "adapters/metriport/webhook_signature.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace relay::metriport;

namespace {
// The test vector of /work/shared/spec/metriport-api.md ("Webhooks Metriport sends to the
// gateway").
const std::string kKey = "V1StGXR8_Z5jdHi6B-myT";
const std::string kBody =
    R"({"ping":"Uakgb_J5m9g-0JDMbcJqLJ","meta":{"messageId":"2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f",)"
    R"("when":"2025-01-01T00:00:00.000Z","type":"ping"}})";
const std::string kSignature = "f429187721f22a39627d0c936adb381171f072a8c8976c327fb65f1f8eb9c3c3";

std::string upper(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(metriport_webhook_signature)

BOOST_AUTO_TEST_CASE(spec_test_vector) {
  BOOST_TEST(webhook_signature_matches(kBody, kSignature, {kKey}));
}

BOOST_AUTO_TEST_CASE(upper_case_and_surrounding_whitespace) {
  BOOST_TEST(webhook_signature_matches(kBody, upper(kSignature), {kKey}));
  BOOST_TEST(webhook_signature_matches(kBody, " " + kSignature + "\t", {kKey}));
  BOOST_TEST(webhook_signature_matches(kBody, "\r\n" + upper(kSignature) + "  ", {kKey}));
  // Whitespace inside the value is not trimmed.
  BOOST_TEST(!webhook_signature_matches(
      kBody, kSignature.substr(0, 32) + " " + kSignature.substr(32), {kKey}));
}

BOOST_AUTO_TEST_CASE(one_byte_changes_fail) {
  std::string body = kBody;
  body[10] = static_cast<char>(body[10] ^ 1);
  BOOST_TEST(!webhook_signature_matches(body, kSignature, {kKey}));
  BOOST_TEST(!webhook_signature_matches(kBody + " ", kSignature, {kKey}));
  BOOST_TEST(!webhook_signature_matches(kBody.substr(1), kSignature, {kKey}));
  for (std::size_t i : {std::size_t{0}, std::size_t{31}, std::size_t{63}}) {
    std::string signature = kSignature;
    signature[i] = signature[i] == '0' ? '1' : '0';
    BOOST_TEST_CONTEXT(i) {
      BOOST_TEST(!webhook_signature_matches(kBody, signature, {kKey}));
    }
  }
  std::string key = kKey;
  key.back() = 'U';
  BOOST_TEST(!webhook_signature_matches(kBody, kSignature, {key}));
}

BOOST_AUTO_TEST_CASE(wrong_shapes_fail) {
  for (const std::string& signature :
       {std::string(), std::string("   "), kSignature.substr(0, 63), kSignature + "0",
        "sha256=" + kSignature, std::string(64, 'g'), kSignature.substr(0, 62) + "\0\0"}) {
    BOOST_TEST_CONTEXT(signature) {
      BOOST_TEST(!webhook_signature_matches(kBody, signature, {kKey}));
    }
  }
}

BOOST_AUTO_TEST_CASE(any_of_several_keys) {
  // Key rotation: the old and the new key are both accepted, in either order.
  BOOST_TEST(webhook_signature_matches(kBody, kSignature, {"new-key", kKey}));
  BOOST_TEST(webhook_signature_matches(kBody, kSignature, {kKey, "new-key"}));
  BOOST_TEST(!webhook_signature_matches(kBody, kSignature, {"new-key", "older-key"}));
}

BOOST_AUTO_TEST_CASE(no_usable_key_never_matches) {
  BOOST_TEST(!webhook_signature_matches(kBody, kSignature, {}));
  BOOST_TEST(!webhook_signature_matches(kBody, kSignature, {""}));
  BOOST_TEST(!webhook_signature_matches(kBody, kSignature, {"", ""}));
  BOOST_TEST(webhook_signature_matches(kBody, kSignature, {"", kKey}));
  // An empty key is skipped even when the signature was made with one.
  const std::string empty_key_signature =
      "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";  // HMAC("", "")
  BOOST_TEST(!webhook_signature_matches("", empty_key_signature, {""}));
}

BOOST_AUTO_TEST_SUITE_END()
