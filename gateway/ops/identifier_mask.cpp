// Counts UTF-8 code points so a multi-byte character is never cut in half.
#include "gateway/ops/identifier_mask.hpp"

#include <vector>

namespace relay::ops {
namespace {
constexpr std::size_t shown_characters = 4;
constexpr std::size_t min_characters_to_show_any = 8;
}  // namespace

std::string mask_identifier(std::string_view identifier) {
  std::vector<std::size_t> starts;  // byte offset of each code point
  for (std::size_t i = 0; i < identifier.size(); ++i) {
    if ((static_cast<unsigned char>(identifier[i]) & 0xc0) != 0x80) starts.push_back(i);
  }
  std::string masked(mask_prefix);
  if (starts.size() < min_characters_to_show_any) return masked;
  masked += identifier.substr(starts[starts.size() - shown_characters]);
  return masked;
}

}  // namespace relay::ops
