// The keyset cursor of the operators' delivery listing: the last row's (created_at, id), opaque to
// clients (base64url) and signed, so a cursor that was altered is refused rather than followed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/domain/message.hpp"

namespace relay::domain::ops {

struct DeliveryCursor {
  EpochMicros created_at = 0;
  std::int64_t id = 0;
  bool operator==(const DeliveryCursor&) const = default;
};

inline constexpr std::size_t max_cursor_chars = 64;

class CursorCodec {
 public:
  // key: a server secret (every process of one deployment must use the same one).
  explicit CursorCodec(std::string_view key);

  std::string encode(const DeliveryCursor& cursor) const;
  // nullopt for anything encode did not make with this key: bad base64url, wrong length, a
  // signature that does not match.
  std::optional<DeliveryCursor> decode(std::string_view text) const;

 private:
  std::string key_;
};

}  // namespace relay::domain::ops
