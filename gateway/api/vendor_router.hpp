// Routing of the vendor listener as a table: the route (a fixed name for a path), the method, who
// may call it, and the endpoint that answers; HEAD is served only where the table lists it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/api/request_target.hpp"
#include "gateway/api/vendor_routes.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::api {

namespace beast_http = boost::beast::http;

// Who may call a route: anyone (probes, /token, signed webhooks) or a vendor with a valid token
// whose account is enabled (checked before the method, so a stranger learns nothing of methods).
enum class VendorAccess { anyone, vendor };

// A request as an endpoint sees it; vendor_id and vendor_name are set on vendor routes.
struct VendorRequest {
  http::Request& http;
  const RequestTarget& target;
  std::int64_t vendor_id = 0;
  std::string vendor_name;
};

using VendorHandler = std::function<boost::asio::awaitable<http::Response>(VendorRequest&)>;

struct VendorRouteEntry {
  VendorRoute route;
  beast_http::verb method;
  VendorAccess access;  // the same for every method of a route
  VendorHandler handler;
};

// What the table holds for a route and method.
struct VendorLookup {
  bool route_known = false;  // some entry serves the route
  VendorAccess access = VendorAccess::anyone;
  const VendorRouteEntry* entry = nullptr;  // the one for the method; null: 405
  std::string allow;                        // the route's methods in table order ("GET, POST")
};

class VendorRouter {
 public:
  // Throws std::logic_error when the route is listed already with another access.
  void add(VendorRouteEntry entry);
  VendorLookup find(VendorRoute route, beast_http::verb method) const;

 private:
  std::vector<VendorRouteEntry> entries_;
};

}  // namespace relay::api
