// Operator session tokens: 32 random bytes (base64url, "ops_" prefix so they never pass for a
// vendor token), stored only as SHA-256; and the CSRF token bound to each session.
#pragma once

#include <string>
#include <string_view>

namespace relay::ops {

inline constexpr std::string_view session_cookie_name = "relay_ops_session";
inline constexpr std::string_view csrf_header_name = "X-CSRF-Token";

std::string new_session_token();
std::string new_csrf_token();
// What operator_sessions.token_sha256 holds for a token.
std::string session_token_digest(std::string_view token);

// The session cookie's value in a Cookie header ("a=b; relay_ops_session=..."), or "".
std::string_view session_cookie_value(std::string_view cookie_header);

}  // namespace relay::ops
