// Parses targets (origin or absolute form) and form bodies with Boost.URL, which rejects malformed
// percent-encoding; '+' in query and form values means a space, as browsers and .NET encode it.
#include "gateway/api/request_target.hpp"

#include <boost/url/parse.hpp>

#include "gateway/domain/text.hpp"

namespace relay::api {
namespace {

// Decoded text must be UTF-8 without NUL: PostgreSQL rejects anything else, and a NUL would
// silently cut an ID short in C strings.
bool is_storable_text(std::string_view text) {
  return domain::is_valid_utf8(text) && text.find('\0') == std::string_view::npos;
}

std::optional<std::map<std::string, std::string>> collect(const boost::urls::params_view& params) {
  std::map<std::string, std::string> out;
  for (const auto& param : params) {
    if (!is_storable_text(param.key) || !is_storable_text(param.value)) return std::nullopt;
    out.emplace(domain::to_lower_ascii(param.key), param.has_value ? param.value : std::string());
  }
  return out;
}

// An http or https URI with an authority; other schemes are not targets this server answers.
bool is_absolute_form(std::string_view target) {
  const auto colon = target.find("://");
  if (colon == std::string_view::npos) return false;
  const auto scheme = domain::to_lower_ascii(target.substr(0, colon));
  return scheme == "http" || scheme == "https";
}

}  // namespace

const std::string* RequestTarget::param(std::string_view lower_name) const {
  const auto found = params.find(std::string(lower_name));
  return found == params.end() ? nullptr : &found->second;
}

std::optional<RequestTarget> parse_request_target(std::string_view target) {
  // Absolute form (RFC 9112 §3.2.2: "POST http://host/api/..."), which proxies send and servers
  // must accept, names the same resource as its path and query.
  auto parsed = is_absolute_form(target) ? boost::urls::parse_absolute_uri(target)
                                         : boost::urls::parse_origin_form(target);
  if (!parsed) return std::nullopt;
  RequestTarget result;
  result.path = parsed->path();
  if (result.path.empty()) result.path.push_back('/');
  if (!is_storable_text(result.path)) return std::nullopt;
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  auto params = collect(parsed->params(options));
  if (!params) return std::nullopt;
  result.params = std::move(*params);
  return result;
}

std::optional<std::map<std::string, std::string>> parse_form(std::string_view body) {
  // A form body has the grammar of a query string; parse it as one so '+' and %XX decode alike.
  auto target = parse_request_target("/?" + std::string(body));
  if (!target) return std::nullopt;
  return std::move(target->params);
}

}  // namespace relay::api
