// Routing of the operations listener as a table: method, path pattern ("{..}" matches one
// segment), the access it needs, and the endpoint that answers.
#pragma once

#include <functional>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "gateway/http/http_types.hpp"
#include "gateway/ops/operator_role.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

namespace beast_http = boost::beast::http;

// Who may call a route: anyone (probes, metrics, login) or a logged-in operator with a role.
enum class Access { anyone, viewer, operator_role, admin };

using OpsHandler = std::function<boost::asio::awaitable<http::Response>(OpsRequest&)>;

struct OpsRoute {
  beast_http::verb method;
  std::string pattern;  // "/ops/api/deliveries/{id}/retry"
  Access access;
  OpsHandler handler;
};

struct RouteMatch {
  const OpsRoute* route;
  std::vector<std::string> params;
};
struct MethodNotAllowed {
  std::string allow;  // "GET, POST"
};
struct NoRoute {};

class OpsRouter {
 public:
  void add(OpsRoute route);
  // path: decoded, without query; a trailing slash is ignored ("/ops/" is "/ops").
  std::variant<RouteMatch, MethodNotAllowed, NoRoute> find(beast_http::verb method,
                                                           std::string_view path) const;
  // Every route's pattern, in table order.
  std::vector<std::string> patterns() const;
  // The table index of the first route whose pattern matches path (any method); the table's size
  // when none does.
  std::size_t pattern_index(std::string_view path) const;

 private:
  std::vector<OpsRoute> routes_;
};

// The role an access level needs (Access::anyone needs none).
Role required_role(Access access);

}  // namespace relay::ops
