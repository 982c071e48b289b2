// Strict base64 (RFC 4648) for attachment bytes and credentials. Decoding tolerates whitespace
// (.NET clients may wrap long lines); any other stray character is an error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relay::domain {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  // no padding

// nullopt on any invalid character, bad padding, or a length that is not a whole number of groups.
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace relay::domain
