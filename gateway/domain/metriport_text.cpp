// Implements Metriport's text normalisation on UTF-8: control-character stripping and JS-style
// trim. The white-space set is ECMAScript's WhiteSpace + LineTerminator productions.
#include "gateway/domain/metriport_text.hpp"

#include <cstdint>

namespace relay::domain {
namespace {

// Decodes the code point starting at text[i] (valid UTF-8 assumed) and its byte length.
std::pair<std::uint32_t, std::size_t> decode_at(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return {c, 1};
  const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  std::uint32_t cp = c & (0xFF >> (length + 1));
  for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  return {cp, length};
}

bool is_js_whitespace(std::uint32_t cp) {
  switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool is_stripped_control(std::uint32_t cp) {
  if (cp == 0x09 || cp == 0x0A || cp == 0x0D) return false;
  return cp < 0x20 || cp == 0x7F;
}

}  // namespace

std::string normalise_like_metriport(std::string_view text) {
  std::string kept;
  kept.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto [cp, length] = decode_at(text, i);
    if (!is_stripped_control(cp)) kept.append(text.substr(i, length));
    i += length;
  }
  std::size_t begin = 0;
  while (begin < kept.size()) {
    const auto [cp, length] = decode_at(kept, begin);
    if (!is_js_whitespace(cp)) break;
    begin += length;
  }
  std::size_t end = kept.size();
  while (end > begin) {
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(kept[start]) & 0xC0) == 0x80) --start;
    const auto [cp, length] = decode_at(kept, start);
    if (!is_js_whitespace(cp)) break;
    end = start;
  }
  return kept.substr(begin, end - begin);
}

}  // namespace relay::domain
