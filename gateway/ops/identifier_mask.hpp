// Patient identifiers as viewers and operators see them: "•••" and the last four characters (only
// when the identifier is long enough that those four do not give it away), never the whole value.
#pragma once

#include <string>
#include <string_view>

namespace relay::ops {

inline constexpr std::string_view mask_prefix = "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";  // •••

// "PAT-4711" -> "•••4711"; fewer than 8 characters (code points) -> "•••".
std::string mask_identifier(std::string_view identifier);

}  // namespace relay::ops
