// Webhook signature check (see webhook_signature.hpp): the same comparison as the SDK's
// MetriportMedicalApi.verifyWebhookSignature, over several keys and tolerant of hex case.
#include "adapters/metriport/webhook_signature.hpp"

#include "gateway/domain/digest.hpp"

namespace relay::metriport {
namespace {

constexpr std::size_t hex_signature_length = 64;  // SHA-256: 32 bytes, two hex digits each

std::string_view trim_whitespace(std::string_view text) {
  constexpr std::string_view whitespace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(whitespace);
  return text.substr(first, last - first + 1);
}

// Lower-cases A-F only; anything that is not hex stays as it is and simply never matches.
std::string lower_hex(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

}  // namespace

bool webhook_signature_matches(std::string_view raw_body, std::string_view signature_header,
                               const std::vector<std::string>& keys) {
  const std::string_view trimmed = trim_whitespace(signature_header);
  // The expected length is public, so refusing other lengths early leaks nothing.
  if (trimmed.size() != hex_signature_length) return false;
  const std::string received = lower_hex(trimmed);
  bool matched = false;
  for (const auto& key : keys) {
    if (key.empty()) continue;
    const std::string expected = domain::to_hex(domain::hmac_sha256_raw(key, raw_body));
    matched = domain::constant_time_equals(expected, received) || matched;
  }
  return matched;
}

}  // namespace relay::metriport
