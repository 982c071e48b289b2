// Query parameters of the operations read API: only the names an endpoint knows, bounded texts,
// typed values; the first refusal is kept as a 400 naming the parameter, never quoting its value.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/api/request_target.hpp"
#include "gateway/domain/message.hpp"
#include "gateway/ops/ops_responses.hpp"

namespace relay::ops {

// A keyset position in a newest-first listing: the row's time and id. Written "<micros>.<id>".
struct PageCursor {
  domain::EpochMicros at_micros = 0;
  std::int64_t id = 0;
};

std::string encode_cursor(const PageCursor& cursor);
std::optional<PageCursor> decode_cursor(std::string_view text);

// True for a UUID in its 8-4-4-4-12 hexadecimal text form (either case).
bool is_uuid(std::string_view text);

inline constexpr int default_page_limit = 50;
inline constexpr int max_page_limit = 500;

class QueryReader {
 public:
  // Any parameter not in `known` is refused (a misspelt filter must not silently list everything).
  QueryReader(const api::RequestTarget& target, std::initializer_list<std::string_view> known);

  // A filter's text: absent, or 1..max_chars characters without control characters.
  std::optional<std::string> text(std::string_view name, std::size_t max_chars = 200);
  // "limit": 1..max_page_limit, default default_page_limit.
  int limit();
  // "cursor": the next_cursor of an earlier page.
  std::optional<PageCursor> cursor();
  // An instant: "2026-05-29", "2026-05-29T16:57:00Z", with an offset or fraction.
  std::optional<domain::EpochMicros> instant(std::string_view name);
  // "1"/"true" or "0"/"false"; absent is false.
  bool flag(std::string_view name);

  // Checks from <= to once both were read ("to" is named when the range is empty).
  void require_order(const std::optional<domain::EpochMicros>& from,
                     const std::optional<domain::EpochMicros>& to);

  // The first refusal, if any (later reads after a refusal answer defaults).
  const std::optional<OpsError>& error() const { return error_; }

 private:
  const std::string* find(std::string_view name) const;
  void refuse(std::string_view name, std::string message);

  const api::RequestTarget& target_;
  std::optional<OpsError> error_;
};

}  // namespace relay::ops
