// Issues and checks v1 bearer tokens: the signature is checked (constant time) before any field is
// trusted, then numbers are parsed strictly (digits only, no sign, no leading zero, no overflow).
#include "gateway/auth/token_signer.hpp"

#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "gateway/domain/base64.hpp"
#include "gateway/domain/digest.hpp"

namespace relay::auth {
namespace {
constexpr std::string_view version_tag = "v1";
constexpr std::size_t nonce_bytes = 16;

std::int64_t unix_seconds(std::chrono::system_clock::time_point time) {
  return std::chrono::floor<std::chrono::seconds>(time.time_since_epoch()).count();
}

std::optional<std::int64_t> parse_positive(std::string_view text) {
  if (text.empty() || text.front() == '0') return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Splits on '.' into exactly N parts; nullopt for any other count.
template <std::size_t N>
std::optional<std::array<std::string_view, N>> split_exact(std::string_view text) {
  std::array<std::string_view, N> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const auto end = text.find('.', start);
    if (i + 1 == N) {
      if (end != std::string_view::npos) return std::nullopt;
      parts[i] = text.substr(start);
    } else {
      if (end == std::string_view::npos) return std::nullopt;
      parts[i] = text.substr(start, end - start);
      start = end + 1;
    }
  }
  return parts;
}
}  // namespace

TokenSigner::TokenSigner(std::string secret, std::chrono::seconds lifetime)
    : secret_(std::move(secret)), lifetime_(lifetime) {
  if (secret_.size() < min_secret_bytes) {
    throw std::invalid_argument("token secret must be at least 32 bytes");
  }
  if (lifetime_ <= std::chrono::seconds::zero()) {
    throw std::invalid_argument("token lifetime must be positive");
  }
}

std::string TokenSigner::signature(std::string_view signed_part) const {
  return domain::base64url_encode(domain::hmac_sha256_raw(secret_, signed_part));
}

std::string TokenSigner::issue(std::int64_t vendor_id,
                               std::chrono::system_clock::time_point now) const {
  if (vendor_id < 1) throw std::invalid_argument("vendor_id must be positive");
  std::string nonce(nonce_bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size())) !=
      1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  std::string token = std::string(version_tag) + '.' + std::to_string(vendor_id) + '.' +
                      std::to_string(unix_seconds(now) + lifetime_.count()) + '.' +
                      domain::base64url_encode(nonce);
  const std::string mac = signature(token);
  token += '.';
  token += mac;
  return token;
}

std::optional<TokenClaims> TokenSigner::verify(std::string_view token,
                                               std::chrono::system_clock::time_point now) const {
  if (token.size() > max_token_bytes) return std::nullopt;
  const auto parts = split_exact<5>(token);
  if (!parts) return std::nullopt;
  const auto& [tag, vendor_text, expires_text, nonce_text, mac_text] = *parts;

  const std::string_view signed_part = token.substr(0, token.size() - mac_text.size() - 1);
  if (!domain::constant_time_equals(signature(signed_part), mac_text)) return std::nullopt;

  if (tag != version_tag) return std::nullopt;
  const auto vendor_id = parse_positive(vendor_text);
  const auto expires_at = parse_positive(expires_text);
  const auto nonce = domain::base64url_decode(nonce_text);
  if (!vendor_id || !expires_at || !nonce || nonce->size() != nonce_bytes) return std::nullopt;
  if (*expires_at <= unix_seconds(now)) return std::nullopt;
  return TokenClaims{*vendor_id, *expires_at};
}

}  // namespace relay::auth
