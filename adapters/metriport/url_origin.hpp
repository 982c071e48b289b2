// The scheme/host/port of an absolute http(s) URL, with the target and Host header a request to it
// needs: the pool key, and the test that a nextPage link stays on the API's own origin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay::metriport {

struct Origin {
  std::string scheme;      // "http" or "https", lower case
  std::string host;        // lower case; an IPv6 address without brackets
  std::uint16_t port = 0;  // explicit or the scheme's default
  bool operator==(const Origin&) const = default;
  bool is_tls() const { return scheme == "https"; }
  std::string key() const;  // "https://host:443"
};

struct ParsedUrl {
  Origin origin;
  std::string target;       // path and query, "/" when empty
  std::string host_header;  // host[:port] as written in the URL
  std::string path;         // percent-encoded path
};

// nullopt unless the text is an absolute http or https URL with a host.
std::optional<ParsedUrl> parse_http_url(std::string_view url);

// Why `next_page` must not be followed from `base_url` (another origin, or outside the base path,
// so the API key would go elsewhere), or nullopt when it may be.
std::optional<std::string> next_page_refusal(std::string_view base_url, std::string_view next_page);

}  // namespace relay::metriport
