// Cryptographic digests (OpenSSL) used for content hashes and idempotency keys.
// Hex output is lower-case.
#pragma once

#include <string>
#include <string_view>

namespace relay::domain {

std::string sha256_hex(std::string_view bytes);
std::string sha256_raw(std::string_view bytes);  // 32 raw bytes
std::string hmac_sha256_raw(std::string_view key, std::string_view message);
std::string to_hex(std::string_view bytes);

// Constant-time equality for secrets and signatures (different lengths compare unequal).
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace relay::domain
