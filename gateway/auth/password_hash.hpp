// Vendor credentials: salted PBKDF2-HMAC-SHA256 hashes as self-describing strings, and
// server-generated passwords. Only hashes are stored; a password exists once, when printed.
#pragma once

#include <string>
#include <string_view>

namespace relay::auth {

// Iteration count for new hashes (OWASP 2023 guidance for PBKDF2-HMAC-SHA256).
inline constexpr int default_password_iterations = 210000;
// Highest iteration count verify_password accepts, so a stored value cannot pin a CPU for minutes.
inline constexpr int max_password_iterations = 10'000'000;

// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>": 16-byte salt from RAND_bytes, 32-byte
// hash. Throws std::invalid_argument for iterations outside 1..max_password_iterations and
// std::runtime_error when OpenSSL fails (infrastructure).
std::string hash_password(std::string_view password, int iterations = default_password_iterations);

// True when the password matches; the hashes are compared in constant time. False, never an
// exception, for a malformed encoding or an iteration count above max_password_iterations.
bool verify_password(std::string_view password, std::string_view encoded);

// 32 characters from [A-Za-z0-9] (URL- and form-safe), RAND_bytes with rejection sampling.
std::string generate_password();

}  // namespace relay::auth
