// Cursor bytes: created_at and id as 8-byte big-endian integers, then the first 12 bytes of an
// HMAC-SHA256 over them with a key derived from the server secret; base64url without padding.
#include "gateway/domain/ops/delivery_cursor.hpp"

#include "gateway/domain/base64.hpp"
#include "gateway/domain/digest.hpp"

namespace relay::domain::ops {
namespace {

constexpr std::size_t integer_bytes = 8;
constexpr std::size_t signature_bytes = 12;
constexpr std::size_t cursor_bytes = 2 * integer_bytes + signature_bytes;

void append_big_endian(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::uint64_t read_big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < integer_bytes; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

}  // namespace

CursorCodec::CursorCodec(std::string_view key)
    : key_(hmac_sha256_raw(key, "relay-gateway ops delivery cursor v1")) {}

std::string CursorCodec::encode(const DeliveryCursor& cursor) const {
  std::string bytes;
  append_big_endian(bytes, static_cast<std::uint64_t>(cursor.created_at));
  append_big_endian(bytes, static_cast<std::uint64_t>(cursor.id));
  bytes += hmac_sha256_raw(key_, bytes).substr(0, signature_bytes);
  return base64url_encode(bytes);
}

std::optional<DeliveryCursor> CursorCodec::decode(std::string_view text) const {
  if (text.empty() || text.size() > max_cursor_chars) return std::nullopt;
  const auto bytes = base64url_decode(text);
  if (!bytes || bytes->size() != cursor_bytes) return std::nullopt;
  const std::string_view payload = std::string_view(*bytes).substr(0, 2 * integer_bytes);
  const std::string expected = hmac_sha256_raw(key_, payload).substr(0, signature_bytes);
  if (!constant_time_equals(expected, std::string_view(*bytes).substr(2 * integer_bytes))) {
    return std::nullopt;
  }
  DeliveryCursor cursor;
  cursor.created_at = static_cast<EpochMicros>(read_big_endian(payload));
  cursor.id = static_cast<std::int64_t>(read_big_endian(payload.substr(integer_bytes)));
  if (cursor.id <= 0) return std::nullopt;
  return cursor;
}

}  // namespace relay::domain::ops
