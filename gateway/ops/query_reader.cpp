// Parameter parsing with std::from_chars and the portal's timestamp parser; messages say what the
// parameter must look like. A refused name is only quoted when it is short and plain.
#include "gateway/ops/query_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "gateway/domain/timestamps.hpp"

namespace relay::ops {
namespace {

// 9999-12-31T23:59:59.999999Z: later instants would overflow PostgreSQL's timestamp arithmetic.
constexpr std::int64_t max_cursor_micros = 253'402'300'799'999'999;

std::optional<std::int64_t> parse_digits(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

// Unicode code points of valid UTF-8 (the target parser has checked it).
std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

// A parameter name fit to appear in an answer: short, letters, digits and '_' only.
std::string printable_name(std::string_view name) {
  const bool plain =
      !name.empty() && name.size() <= 40 && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
      });
  return plain ? std::string(name) : std::string("(parameter)");
}

}  // namespace

std::string encode_cursor(const PageCursor& cursor) {
  return std::to_string(cursor.at_micros) + "." + std::to_string(cursor.id);
}

std::optional<PageCursor> decode_cursor(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto at = parse_digits(text.substr(0, dot));
  const auto id = parse_digits(text.substr(dot + 1));
  if (!at || !id || *at > max_cursor_micros) return std::nullopt;
  return PageCursor{*at, *id};
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position != (text[i] == '-')) return false;
    if (!dash_position && std::isxdigit(static_cast<unsigned char>(text[i])) == 0) return false;
  }
  return true;
}

QueryReader::QueryReader(const api::RequestTarget& target,
                         std::initializer_list<std::string_view> known)
    : target_(target) {
  for (const auto& [name, value] : target.params) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string expected;
      for (const auto known_name : known) {
        expected += (expected.empty() ? "" : ", ") + std::string(known_name);
      }
      refuse(name, "Unknown parameter; this endpoint takes: " +
                       (expected.empty() ? std::string("none") : expected) + ".");
      return;
    }
  }
}

const std::string* QueryReader::find(std::string_view name) const {
  return target_.param(name);
}

void QueryReader::refuse(std::string_view name, std::string message) {
  if (!error_) error_ = OpsError::bad_field(printable_name(name), std::move(message));
}

std::optional<std::string> QueryReader::text(std::string_view name, std::size_t max_chars) {
  const auto* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (value->empty() || code_points(*value) > max_chars || has_control_character(*value)) {
    refuse(name,
           "Must be 1 to " + std::to_string(max_chars) + " characters without control characters.");
    return std::nullopt;
  }
  return *value;
}

int QueryReader::limit() {
  const auto* value = find("limit");
  if (value == nullptr) return default_page_limit;
  const auto parsed = parse_digits(*value);
  if (!parsed || *parsed < 1 || *parsed > max_page_limit) {
    refuse("limit", "Must be a whole number from 1 to " + std::to_string(max_page_limit) + ".");
    return default_page_limit;
  }
  return static_cast<int>(*parsed);
}

std::optional<PageCursor> QueryReader::cursor() {
  const auto* value = find("cursor");
  if (value == nullptr) return std::nullopt;
  auto decoded = decode_cursor(*value);
  if (!decoded) refuse("cursor", "Must be the next_cursor of an earlier page.");
  return decoded;
}

std::optional<domain::EpochMicros> QueryReader::instant(std::string_view name) {
  const auto* value = find(name);
  if (value == nullptr) return std::nullopt;
  auto parsed = value->size() <= 64 ? domain::parse_portal_timestamp(*value) : std::nullopt;
  if (!parsed) {
    refuse(name, "Must be an ISO 8601 date or time, e.g. 2026-05-29 or 2026-05-29T16:57:00Z.");
  }
  return parsed;
}

bool QueryReader::flag(std::string_view name) {
  const auto* value = find(name);
  if (value == nullptr) return false;
  if (*value == "1" || *value == "true") return true;
  if (*value == "0" || *value == "false") return false;
  refuse(name, "Must be 1, true, 0 or false.");
  return false;
}

void QueryReader::require_order(const std::optional<domain::EpochMicros>& from,
                                const std::optional<domain::EpochMicros>& to) {
  if (from && to && *from > *to) refuse("to", "Must not be before from.");
}

}  // namespace relay::ops
