// The fixed names of the vendor listener's routes, for logs and metrics labels: a raw path may
// carry anything a client typed, a route name is one of a few.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace relay::api {

enum class VendorRoute { token, messages, search, webhook, healthz, livez, readyz, unknown };
inline constexpr std::size_t vendor_route_count = 8;

std::string_view to_text(VendorRoute route);

// Every route's name, in enum order (the index of a route is its enum value).
const std::array<std::string_view, vendor_route_count>& vendor_route_names();

// The route of a path after normalised_path; webhook_path: the configured one, normalised.
VendorRoute vendor_route(std::string_view normalised_path, std::string_view webhook_path);

// The route of a raw request target (path and query as sent), matched as the API matches it:
// case-insensitively, trailing slashes ignored, percent-escapes decoded. Allocates only when the
// path holds a percent-escape.
VendorRoute vendor_route_of_target(std::string_view target, std::string_view webhook_path);

}  // namespace relay::api
