// "Contains" patterns for ILIKE ... ESCAPE '\': the user's %, _ and \ match themselves, so a search
// text can never act as a wildcard.
#pragma once

#include <string>
#include <string_view>

namespace relay::pg {

inline std::string contains_pattern(std::string_view text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

}  // namespace relay::pg
