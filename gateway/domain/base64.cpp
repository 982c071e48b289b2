// Table-driven base64 and base64url codecs; decoding rejects anything not in the alphabet.
// Used at intake (attachments), by auth (salts, signatures) and to pass bytea through SQL.
#include "gateway/domain/base64.hpp"

#include <array>
#include <cstdint>

namespace relay::domain {
namespace {
constexpr char standard_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (static_cast<unsigned char>(bytes[i]) << 16) |
                                (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                                static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(group >> 18) & 63];
    out += alphabet[(group >> 12) & 63];
    out += alphabet[(group >> 6) & 63];
    out += alphabet[group & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(group >> 18) & 63];
    out += alphabet[(group >> 12) & 63];
    if (rest == 2) out += alphabet[(group >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::array<int, 256> reverse_table(const char* alphabet) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = i;
  return table;
}

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::optional<std::string> decode(std::string_view text, const std::array<int, 256>& table,
                                  bool padded) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::uint32_t group = 0;
  int bits_in_group = 0;
  std::size_t symbols = 0, padding = 0;
  for (char c : text) {
    if (padded && is_space(c)) continue;
    if (c == '=') {
      if (!padded) return std::nullopt;
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    const int value = table[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    ++symbols;
    group = (group << 6) | static_cast<std::uint32_t>(value);
    bits_in_group += 6;
    if (bits_in_group >= 8) {
      bits_in_group -= 8;
      out += static_cast<char>((group >> bits_in_group) & 0xFF);
    }
  }
  const std::size_t remainder = symbols % 4;
  if (remainder == 1) return std::nullopt;
  if (padded) {
    if ((symbols + padding) % 4 != 0) return std::nullopt;
    if (padding > 2 || (padding > 0 && remainder == 0)) return std::nullopt;
  }
  // The unused low bits of the last symbol must be zero (canonical encoding).
  if (bits_in_group > 0 && (group & ((1u << bits_in_group) - 1)) != 0) return std::nullopt;
  return out;
}
}  // namespace

std::string base64_encode(std::string_view bytes) {
  return encode(bytes, standard_alphabet, true);
}
std::string base64url_encode(std::string_view bytes) {
  return encode(bytes, url_alphabet, false);
}

std::optional<std::string> base64_decode(std::string_view text) {
  static const auto table = reverse_table(standard_alphabet);
  return decode(text, table, true);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  static const auto table = reverse_table(url_alphabet);
  return decode(text, table, false);
}

}  // namespace relay::domain
