// The HTTP probe behind `relay-gateway healthcheck`: where to ask (a URL, or the operations
// listener's address) and one bounded GET whose answer says healthy (200) or why not.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace relay::cli {

struct ProbeTarget {
  std::string host;  // a name or an address, IPv6 without brackets
  std::string port;
  std::string path;  // origin form, "/livez"
  std::string host_header;
};

// "http://host[:port][/path]" (port 80 and path "/livez" by default); an error text otherwise.
// https is refused: the operations listener speaks plain HTTP on a private address.
std::variant<ProbeTarget, std::string> parse_probe_url(std::string_view url);

// /livez on a listener bound to host:port; a wildcard bind (0.0.0.0, ::) is reached on loopback.
ProbeTarget probe_target_for_listener(const std::string& host, std::uint16_t port);

struct ProbeResult {
  bool healthy = false;
  std::string detail;  // "status 200", "status 503", "timed out", "connection refused", ...
};

// GET target.path, closing the connection afterwards; the whole exchange (name resolution,
// connect, write, read) must end within timeout. Never throws for what the network does.
ProbeResult probe(const ProbeTarget& target, std::chrono::milliseconds timeout);

}  // namespace relay::cli
