// This binary's version and source revision, as the build recorded them (CMake's project version
// and `git rev-parse` at configure time), for relay_build_info.
#pragma once

#include <string_view>

namespace relay::metrics {

std::string_view build_version();
std::string_view build_revision();  // "unknown" outside a git checkout

}  // namespace relay::metrics
