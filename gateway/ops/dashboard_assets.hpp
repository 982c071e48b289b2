// The operations dashboard's files, compiled into the binary from gateway/ops/dashboard/ by
// cmake/EmbedDashboard.cmake, so the page needs no file system, CDN or network at run time.
#pragma once

#include <string_view>
#include <vector>

namespace relay::ops {

struct DashboardAsset {
  std::string_view name;          // "index.html", "app.js"
  std::string_view content_type;  // with charset for text
  std::string_view etag;          // quoted, from the file's SHA-256
  std::string_view body;
};

const std::vector<DashboardAsset>& dashboard_assets();

}  // namespace relay::ops
