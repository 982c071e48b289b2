// URL parsing with Boost.URL: only absolute http/https URLs with a host are accepted.
// The origin comparison guards the API key when following links from answers.
#include "adapters/metriport/url_origin.hpp"
#include "adapters/metriport/concat.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>

namespace relay::metriport {
namespace {
std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The path with dot segments removed and percent-encoding normalised ("/a/b/../c" is "/a/c").
std::string normalized_path(std::string_view url) {
  boost::urls::url copy(url);
  copy.normalize_path();
  return std::string(copy.encoded_path());
}
}  // namespace

std::string Origin::key() const {
  return concat({scheme, "://", host, ":", std::to_string(port)});
}

std::optional<ParsedUrl> parse_http_url(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return std::nullopt;
  const boost::urls::url_view& view = *parsed;
  ParsedUrl result;
  result.origin.scheme = lower(view.scheme());
  if (result.origin.scheme != "http" && result.origin.scheme != "https") return std::nullopt;
  if (!view.has_authority() || view.encoded_host().empty()) return std::nullopt;
  result.origin.host = lower(view.host_address());
  if (view.has_port()) {
    if (view.port().empty() || view.port_number() == 0) return std::nullopt;
    result.origin.port = view.port_number();
  } else {
    result.origin.port = result.origin.is_tls() ? 443 : 80;
  }
  result.path = std::string(view.encoded_path());
  result.target = std::string(view.encoded_target());
  if (result.target.empty() || result.target.front() != '/')
    result.target = concat({"/", result.target});
  result.host_header = std::string(view.encoded_host_and_port());
  return result;
}

std::optional<std::string> next_page_refusal(std::string_view base_url,
                                             std::string_view next_page) {
  const auto base = parse_http_url(base_url);
  const auto next = parse_http_url(next_page);
  if (!base || !next) return "nextPage is not an http(s) URL";
  if (!(base->origin == next->origin)) return "nextPage points outside the API";
  std::string prefix = normalized_path(base_url);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  const std::string path = normalized_path(next_page);
  if (!(path == prefix || path.starts_with(concat({prefix, "/"})))) {
    return "nextPage points outside the API";
  }
  return std::nullopt;
}

}  // namespace relay::metriport
