// Writes log lines as compact JSON with a UTC timestamp; one mutex keeps lines whole across
// threads. Values are escaped so an ID or error text can never break the line format.
#include "gateway/log/log.hpp"

#include "gateway/domain/json_string.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace relay::log {
namespace {
std::atomic<Level> min_level{Level::info};
std::mutex output_mutex;

const char* level_name(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}
}  // namespace

void set_min_level(Level level) {
  min_level = level;
}

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (level < min_level.load()) return;
  std::string line =
      "{\"ts\":\"" + utc_timestamp() + "\",\"level\":\"" + level_name(level) + "\",\"event\":";
  domain::append_json_string(line, event);
  for (const auto& [key, value] : fields) {
    line += ',';
    domain::append_json_string(line, key);
    line += ':';
    domain::append_json_string(line, value);
  }
  line += "}\n";
  std::lock_guard lock(output_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace relay::log
