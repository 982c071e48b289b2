// Formats instants with gmtime_r; the simulator only ever writes times, it never parses them.
// Millisecond precision matches what Metriport (JavaScript Date) produces.
#include "tests/simulator/sim_clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace relay::sim {

std::int64_t now_epoch_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso_from_epoch_millis(std::int64_t millis) {
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  const int fraction = static_cast<int>(millis % 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, fraction);
  return buffer;
}

}  // namespace relay::sim
