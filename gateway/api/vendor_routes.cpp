// Route names from paths: the normalised form GatewayApi routes on, and a fast form for raw
// targets (the metrics see every request) that falls back to full decoding for escaped paths.
#include "gateway/api/vendor_routes.hpp"

#include "gateway/api/request_precheck.hpp"
#include "gateway/api/request_target.hpp"
#include "gateway/domain/text.hpp"

namespace relay::api {

std::string_view to_text(VendorRoute route) {
  return vendor_route_names()[static_cast<std::size_t>(route)];
}

const std::array<std::string_view, vendor_route_count>& vendor_route_names() {
  static constexpr std::array<std::string_view, vendor_route_count> names{
      "token", "messages", "search", "webhook", "healthz", "livez", "readyz", "unknown"};
  return names;
}

VendorRoute vendor_route(std::string_view path, std::string_view webhook_path) {
  const auto is = [path](std::string_view known) { return domain::iequals(path, known); };
  if (is(webhook_path)) return VendorRoute::webhook;
  if (is(paths::token)) return VendorRoute::token;
  if (is(paths::messages)) return VendorRoute::messages;
  if (is(paths::search)) return VendorRoute::search;
  if (is(paths::healthz)) return VendorRoute::healthz;
  if (is(paths::livez)) return VendorRoute::livez;
  if (is(paths::readyz)) return VendorRoute::readyz;
  return VendorRoute::unknown;
}

VendorRoute vendor_route_of_target(std::string_view target, std::string_view webhook_path) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.find('%') != std::string_view::npos || !path.starts_with('/')) {
    const auto parsed = parse_request_target(target);
    if (!parsed) return VendorRoute::unknown;
    return vendor_route(normalised_path(parsed->path), webhook_path);
  }
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return vendor_route(path, webhook_path);
}

}  // namespace relay::api
