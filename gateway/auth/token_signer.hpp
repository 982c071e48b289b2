// Bearer tokens for vendors (POST /token): stateless, HMAC-SHA256-signed with GATEWAY_TOKEN_SECRET,
// carrying the vendor ID and expiry so every request is authenticated without a database lookup.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay::auth {

struct TokenClaims {
  std::int64_t vendor_id = 0;
  std::int64_t expires_at_unix = 0;
};

// Format: v1.<vendor_id>.<expires_unix>.<16 random bytes base64url>.<base64url HMAC-SHA256 over
// everything before the last dot>. Thread-safe: every member is const after construction.
class TokenSigner {
 public:
  static constexpr std::size_t min_secret_bytes = 32;
  static constexpr std::size_t max_token_bytes = 512;

  // Throws std::invalid_argument when the secret is shorter than 32 bytes or lifetime is not
  // positive.
  TokenSigner(std::string secret, std::chrono::seconds lifetime);

  // Throws std::invalid_argument for a vendor_id below 1 (database IDs start at 1).
  std::string issue(std::int64_t vendor_id, std::chrono::system_clock::time_point now) const;
  std::chrono::seconds lifetime() const { return lifetime_; }

  // nullopt when malformed, wrongly signed, for another secret, or expired (expires_at <= now).
  std::optional<TokenClaims> verify(std::string_view token,
                                    std::chrono::system_clock::time_point now) const;

 private:
  std::string signature(std::string_view signed_part) const;

  std::string secret_;
  std::chrono::seconds lifetime_;
};

}  // namespace relay::auth
