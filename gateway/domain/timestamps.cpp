// Civil-date arithmetic (Howard Hinnant's days_from_civil) so formatting never depends on the
// locale or the process time zone.
#include "gateway/domain/timestamps.hpp"

#include <chrono>
#include <cstdio>

namespace relay::domain {
namespace {

constexpr std::int64_t micros_per_second = 1'000'000;
constexpr std::int64_t seconds_per_day = 86'400;

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

namespace {
struct CivilTime {
  std::int64_t year;
  unsigned month, day;
  std::int64_t seconds_of_day, micros;
};

CivilTime civil_time(EpochMicros instant) {
  std::int64_t days = instant / (seconds_per_day * micros_per_second);
  std::int64_t rest = instant % (seconds_per_day * micros_per_second);
  if (rest < 0) {
    rest += seconds_per_day * micros_per_second;
    --days;
  }
  std::int64_t year;
  unsigned month, day;
  civil_from_days(days, year, month, day);
  return {year, month, day, rest / micros_per_second, rest % micros_per_second};
}
}  // namespace

std::string format_portal_timestamp(EpochMicros instant) {
  const auto t = civil_time(instant);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lld0+00:00",
                static_cast<long long>(t.year), t.month, t.day,
                static_cast<long long>(t.seconds_of_day / 3600),
                static_cast<long long>(t.seconds_of_day / 60 % 60),
                static_cast<long long>(t.seconds_of_day % 60), static_cast<long long>(t.micros));
  return buffer;
}

std::string format_iso8601_utc(EpochMicros instant) {
  const auto t = civil_time(instant);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(t.year), t.month, t.day,
                static_cast<long long>(t.seconds_of_day / 3600),
                static_cast<long long>(t.seconds_of_day / 60 % 60),
                static_cast<long long>(t.seconds_of_day % 60),
                static_cast<long long>(t.micros / 1000));
  return buffer;
}

std::optional<EpochMicros> parse_portal_timestamp(std::string_view text) {
  std::size_t pos = 0;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > days_in_month(year, month)) {
    return std::nullopt;
  }
  std::int64_t micros = 0;
  std::int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    ++pos;
    if (!read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_digits(text, pos, 2, second)) return std::nullopt;
      if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t digits = 0;
        std::int64_t scale = 100000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          if (digits < 6) micros += (text[pos] - '0') * scale, scale /= 10;
          ++pos, ++digits;
        }
        if (digits == 0 || digits > 9) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (pos < text.size()) {
      if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
      } else if (text[pos] == '+' || text[pos] == '-') {
        const int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int offset_hours, offset_minutes;
        if (!read_digits(text, pos, 2, offset_hours) || !expect(text, pos, ':') ||
            !read_digits(text, pos, 2, offset_minutes) || offset_hours > 14 ||
            offset_minutes > 59) {
          return std::nullopt;
        }
        offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  const std::int64_t seconds = days_from_civil(year, month, day) * seconds_per_day + hour * 3600 +
                               minute * 60 + second - offset_seconds;
  return seconds * micros_per_second + micros;
}

EpochMicros now_epoch_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace relay::domain
