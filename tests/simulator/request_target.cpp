// Uses Boost.URL's origin-form parser; percent-decoding of query names and values is done by its
// decoded params view ('+' is read as a space, as Express does).
#include "tests/simulator/request_target.hpp"

#include <boost/url/parse.hpp>

namespace relay::sim {

std::optional<std::string> RequestTarget::param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::optional<RequestTarget> parse_request_target(std::string_view target) {
  const auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  RequestTarget out;
  out.path = std::string(parsed->path());
  if (out.path.size() > 1 && out.path.back() == '/') out.path.pop_back();
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  for (const auto& param : parsed->encoded_params()) {
    out.query.emplace_back(param.key.decode(options),
                           param.has_value ? param.value.decode(options) : std::string());
  }
  return out;
}

}  // namespace relay::sim
