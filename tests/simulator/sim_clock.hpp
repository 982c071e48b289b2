// Wall-clock helpers for the simulator: ISO 8601 timestamps as JavaScript's toISOString writes
// them ("2025-01-01T00:00:00.000Z") and milliseconds since the Unix epoch.
#pragma once

#include <cstdint>
#include <string>

namespace relay::sim {

std::int64_t now_epoch_millis();

// toISOString: UTC, three fractional digits, "Z".
std::string iso_from_epoch_millis(std::int64_t millis);

inline std::string now_iso() {
  return iso_from_epoch_millis(now_epoch_millis());
}

}  // namespace relay::sim
