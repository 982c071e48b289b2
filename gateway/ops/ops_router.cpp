// Pattern matching segment by segment; exact segments win over "{..}" only by table order, so the
// table lists literal routes (".../retry") before patterns that could also match them.
#include "gateway/ops/ops_router.hpp"

#include <optional>

namespace relay::ops {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end;
  }
  return parts;
}

std::optional<std::vector<std::string>> match(std::string_view pattern, std::string_view path) {
  const auto want = segments(pattern);
  const auto have = segments(path);
  if (want.size() != have.size()) return std::nullopt;
  std::vector<std::string> params;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i].size() >= 2 && want[i].front() == '{' && want[i].back() == '}') {
      params.emplace_back(have[i]);
    } else if (want[i] != have[i]) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace

void OpsRouter::add(OpsRoute route) {
  routes_.push_back(std::move(route));
}

std::variant<RouteMatch, MethodNotAllowed, NoRoute> OpsRouter::find(beast_http::verb method,
                                                                    std::string_view path) const {
  std::string allow;
  for (const auto& route : routes_) {
    auto params = match(route.pattern, path);
    if (!params) continue;
    const bool head_as_get =
        method == beast_http::verb::head && route.method == beast_http::verb::get;
    if (route.method == method || head_as_get) return RouteMatch{&route, std::move(*params)};
    const std::string name(beast_http::to_string(route.method));
    if (allow.find(name) == std::string::npos) allow += (allow.empty() ? "" : ", ") + name;
    if (route.method == beast_http::verb::get && allow.find("HEAD") == std::string::npos) {
      allow += ", HEAD";
    }
  }
  if (!allow.empty()) return MethodNotAllowed{allow};
  return NoRoute{};
}

std::vector<std::string> OpsRouter::patterns() const {
  std::vector<std::string> found;
  found.reserve(routes_.size());
  for (const auto& route : routes_) found.push_back(route.pattern);
  return found;
}

std::size_t OpsRouter::pattern_index(std::string_view path) const {
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (match(routes_[i].pattern, path)) return i;
  }
  return routes_.size();
}

Role required_role(Access access) {
  switch (access) {
    case Access::anyone:
    case Access::viewer:
      return Role::viewer;
    case Access::operator_role:
      return Role::operator_role;
    case Access::admin:
      return Role::admin;
  }
  return Role::admin;
}

}  // namespace relay::ops
