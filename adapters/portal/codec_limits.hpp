// Limits every portal decoder enforces on untrusted bodies: total size, JSON nesting, list length.
// One struct shared by the JSON and XML codecs so the HTTP layer configures both in one place.
#pragma once

#include <cstddef>

namespace relay::portal {

struct DecodeLimits {
  std::size_t max_bytes = 32 * 1024 * 1024;  // larger bodies: ErrorKind::payload_too_large
  std::size_t max_depth = 32;           // JSON nesting of arrays and objects (XML: not recursed)
  std::size_t max_array_items = 10000;  // items in Patients or FileData
};

}  // namespace relay::portal
