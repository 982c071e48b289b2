// Retry-After and RateLimit header parsing: strict grammar, saturating numbers, no exceptions.
// Dates follow RFC 9110 section 5.6.7 (all three forms recipients must accept).
#include "adapters/metriport/rate_limit_headers.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>

namespace relay::metriport {
namespace {
using namespace std::chrono;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `count` digits at the cursor.
std::optional<int> take_digits(std::string_view& text, std::size_t count) {
  if (text.size() < count) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  text.remove_prefix(count);
  return value;
}

bool take(std::string_view& text, std::string_view literal) {
  if (!text.starts_with(literal)) return false;
  text.remove_prefix(literal.size());
  return true;
}

constexpr std::array<std::string_view, 12> month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> short_days{"Mon", "Tue", "Wed", "Thu",
                                                     "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> long_days{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                    "Friday", "Saturday", "Sunday"};

std::optional<unsigned> take_month(std::string_view& text) {
  for (std::size_t i = 0; i < month_names.size(); ++i) {
    if (take(text, month_names[i])) return static_cast<unsigned>(i + 1);
  }
  return std::nullopt;
}

template <std::size_t N>
bool take_any(std::string_view& text, const std::array<std::string_view, N>& names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view name) { return take(text, name); });
}

// "HH:MM:SS"
std::optional<seconds> take_time(std::string_view& text) {
  auto hour = take_digits(text, 2);
  if (!hour || !take(text, ":")) return std::nullopt;
  auto minute = take_digits(text, 2);
  if (!minute || !take(text, ":")) return std::nullopt;
  auto second = take_digits(text, 2);
  if (!second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  return hours{*hour} + minutes{*minute} + seconds{std::min(*second, 59)};
}

std::optional<system_clock::time_point> make_instant(int y, unsigned m, int d,
                                                     seconds time_of_day) {
  // system_clock counts nanoseconds in 64 bits: it ends in 2262. A date that far out is no usable
  // Retry-After anyway (callers cap the wait), so it is refused rather than overflowed.
  if (d < 1 || y < 1970 || y > 2200) return std::nullopt;
  const year_month_day date{year{y}, month{m}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  return system_clock::time_point{sys_days{date}} + time_of_day;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (after the day name)
std::optional<system_clock::time_point> imf_fixdate(std::string_view text) {
  if (!take(text, ", ")) return std::nullopt;
  auto d = take_digits(text, 2);
  if (!d || !take(text, " ")) return std::nullopt;
  auto m = take_month(text);
  if (!m || !take(text, " ")) return std::nullopt;
  auto y = take_digits(text, 4);
  if (!y || !take(text, " ")) return std::nullopt;
  auto time = take_time(text);
  if (!time || text != " GMT") return std::nullopt;
  return make_instant(*y, *m, *d, *time);
}

// "Sunday, 06-Nov-94 08:49:37 GMT" (after the day name)
std::optional<system_clock::time_point> rfc850_date(std::string_view text) {
  if (!take(text, ", ")) return std::nullopt;
  auto d = take_digits(text, 2);
  if (!d || !take(text, "-")) return std::nullopt;
  auto m = take_month(text);
  if (!m || !take(text, "-")) return std::nullopt;
  auto yy = take_digits(text, 2);
  if (!yy || !take(text, " ")) return std::nullopt;
  auto time = take_time(text);
  if (!time || text != " GMT") return std::nullopt;
  // Two-digit years: 70..99 are 19xx, the rest 20xx (dates here are near the present).
  return make_instant(*yy >= 70 ? 1900 + *yy : 2000 + *yy, *m, *d, *time);
}

// "Sun Nov  6 08:49:37 1994" (after the day name)
std::optional<system_clock::time_point> asctime_date(std::string_view text) {
  if (!take(text, " ")) return std::nullopt;
  auto m = take_month(text);
  if (!m || !take(text, " ")) return std::nullopt;
  if (text.size() < 2) return std::nullopt;
  int d = 0;
  if (text[0] == ' ' && is_digit(text[1])) {
    d = text[1] - '0';
    text.remove_prefix(2);
  } else if (auto two = take_digits(text, 2)) {
    d = *two;
  } else {
    return std::nullopt;
  }
  if (!take(text, " ")) return std::nullopt;
  auto time = take_time(text);
  if (!time || !take(text, " ")) return std::nullopt;
  auto y = take_digits(text, 4);
  if (!y || !text.empty()) return std::nullopt;
  return make_instant(*y, *m, d, *time);
}

// The leading non-negative integer, saturated at INT_MAX; the rest may follow a ',', ';' or space.
std::optional<long long> leading_integer(std::string_view text) {
  text = trim(text);
  std::size_t digits = 0;
  long long value = 0;
  while (digits < text.size() && is_digit(text[digits])) {
    value = std::min<long long>(value * 10 + (text[digits] - '0'), INT_MAX);
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (digits < text.size()) {
    const char next = text[digits];
    if (next != ',' && next != ';' && next != ' ' && next != '\t') return std::nullopt;
  }
  return value;
}

// The value of `key=` in "limit=20, remaining=5, reset=30"; empty when absent.
std::string_view combined_value(std::string_view combined, std::string_view key) {
  while (!combined.empty()) {
    const std::size_t comma = combined.find(',');
    std::string_view item = trim(combined.substr(0, comma));
    combined = comma == std::string_view::npos ? std::string_view{} : combined.substr(comma + 1);
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) continue;
    if (trim(item.substr(0, equals)) == key) return trim(item.substr(equals + 1));
  }
  return {};
}

std::optional<int> as_int(std::string_view text) {
  if (text.empty()) return std::nullopt;
  auto value = leading_integer(text);
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}
}  // namespace

std::optional<system_clock::time_point> parse_http_date(std::string_view text) {
  text = trim(text);
  std::string_view rest = text;
  if (take_any(rest, long_days)) return rfc850_date(rest);
  rest = text;
  if (!take_any(rest, short_days)) return std::nullopt;
  if (rest.starts_with(",")) return imf_fixdate(rest);
  return asctime_date(rest);
}

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), is_digit)) {
    long long total = 0;
    for (char c : value) {
      total = std::min<long long>(total * 10 + (c - '0'), max_retry_after.count());
    }
    return duration_cast<milliseconds>(seconds{total});
  }
  auto date = parse_http_date(value);
  if (!date) return std::nullopt;
  if (*date <= now) return milliseconds{0};
  return std::min(duration_cast<milliseconds>(*date - now),
                  duration_cast<milliseconds>(max_retry_after));
}

RateLimitInfo parse_rate_limit(std::string_view limit, std::string_view remaining,
                               std::string_view reset, std::string_view combined) {
  if (limit.empty()) limit = combined_value(combined, "limit");
  if (remaining.empty()) remaining = combined_value(combined, "remaining");
  if (reset.empty()) reset = combined_value(combined, "reset");
  RateLimitInfo info;
  info.limit = as_int(limit);
  info.remaining = as_int(remaining);
  if (auto seconds_left = as_int(reset)) info.reset = seconds{*seconds_left};
  return info;
}

RateLimitInfo parse_rate_limit(const boost::beast::http::fields& headers) {
  auto get = [&](std::string_view name) -> std::string_view {
    auto found = headers.find(name);
    if (found == headers.end()) return {};
    return std::string_view(found->value().data(), found->value().size());
  };
  return parse_rate_limit(get("RateLimit-Limit"), get("RateLimit-Remaining"),
                          get("RateLimit-Reset"), get("RateLimit"));
}

}  // namespace relay::metriport
