// VendorRouter: a linear scan of a handful of entries; the Allow header lists a route's methods in
// the order the table gives them.
#include "gateway/api/vendor_router.hpp"

#include <stdexcept>

namespace relay::api {

void VendorRouter::add(VendorRouteEntry entry) {
  for (const auto& listed : entries_) {
    if (listed.route == entry.route && listed.access != entry.access) {
      throw std::logic_error("vendor route " + std::string(to_text(entry.route)) +
                             " listed with two kinds of access");
    }
  }
  entries_.push_back(std::move(entry));
}

VendorLookup VendorRouter::find(VendorRoute route, beast_http::verb method) const {
  VendorLookup lookup;
  for (const auto& entry : entries_) {
    if (entry.route != route) continue;
    lookup.route_known = true;
    lookup.access = entry.access;
    if (entry.method == method && lookup.entry == nullptr) lookup.entry = &entry;
    if (!lookup.allow.empty()) lookup.allow += ", ";
    lookup.allow += std::string(beast_http::to_string(entry.method));
  }
  return lookup;
}

}  // namespace relay::api
