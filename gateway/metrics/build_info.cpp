// RELAY_VERSION and RELAY_REVISION are set on this file alone (CMakeLists.txt), so a new revision
// recompiles one small file.
#include "gateway/metrics/build_info.hpp"

#ifndef RELAY_VERSION
#define RELAY_VERSION "unknown"
#endif
#ifndef RELAY_REVISION
#define RELAY_REVISION "unknown"
#endif

namespace relay::metrics {

std::string_view build_version() {
  return RELAY_VERSION;
}

std::string_view build_revision() {
  return RELAY_REVISION;
}

}  // namespace relay::metrics
