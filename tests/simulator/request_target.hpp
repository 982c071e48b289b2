// A request target split for routing: the path without one trailing slash, and the decoded query
// parameters in order (the first occurrence of a name wins, as the simulator reads them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relay::sim {

struct RequestTarget {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;

  std::optional<std::string> param(std::string_view name) const;
};

// nullopt when the target is not a valid origin-form URI.
std::optional<RequestTarget> parse_request_target(std::string_view target);

}  // namespace relay::sim
