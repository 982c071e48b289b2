// Small text helpers shared by every layer: ASCII case-insensitive compare, UTF-8 checks, trimming.
// Kept free of I/O so codecs, validation and routing can all use them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relay::domain {

bool iequals(std::string_view a, std::string_view b);
std::string to_lower_ascii(std::string_view text);

// True when text is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Number of Unicode code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text);

// Length in UTF-16 code units, which is how Metriport's validation (JavaScript, zod) counts
// characters.
std::size_t utf16_length(std::string_view text);

// Longest prefix of valid UTF-8 text with at most max_code_points code points.
std::string_view utf8_prefix(std::string_view text, std::size_t max_code_points);

}  // namespace relay::domain
