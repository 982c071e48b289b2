// relay-gateway healthcheck: GET /livez on the operations listener (GATEWAY_OPS_LISTEN, or --url)
// within a short timeout; exit 0 when it answers 200, 1 otherwise. For container HEALTHCHECKs.
#include <charconv>
#include <iostream>
#include <variant>

#include "gateway/cli/cli.hpp"
#include "gateway/cli/health_probe.hpp"

namespace relay::cli {
namespace {

constexpr int default_timeout_seconds = 2;
constexpr int max_timeout_seconds = 60;

struct HealthcheckOptions {
  std::string url;
  int timeout_seconds = default_timeout_seconds;
};

// words: {"healthcheck", [--url URL], [--timeout SECONDS]}; an error text when malformed.
std::variant<HealthcheckOptions, std::string> parse_options(const std::vector<std::string>& words) {
  HealthcheckOptions options;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (i + 1 >= words.size()) return word + " needs a value";
    const std::string& value = words[++i];
    if (word == "--url") {
      options.url = value;
    } else if (word == "--timeout") {
      int seconds = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (error != std::errc() || end != value.data() + value.size() || seconds < 1 ||
          seconds > max_timeout_seconds) {
        return "--timeout must be whole seconds, 1.." + std::to_string(max_timeout_seconds);
      }
      options.timeout_seconds = seconds;
    } else {
      return "healthcheck takes --url URL and --timeout SECONDS only";
    }
  }
  return options;
}

}  // namespace

int healthcheck_command(const config::Config& config, const std::vector<std::string>& words) {
  const auto options = parse_options(words);
  if (const auto* problem = std::get_if<std::string>(&options)) {
    std::cerr << "relay-gateway: " << *problem << "\n";
    return 1;
  }
  const auto& chosen = std::get<HealthcheckOptions>(options);
  ProbeTarget target;
  if (chosen.url.empty()) {
    if (config.ops.listen_port == 0) {
      std::cerr << "relay-gateway: GATEWAY_OPS_LISTEN has port 0 (a free port picked at start); "
                   "pass --url\n";
      return 1;
    }
    target = probe_target_for_listener(config.ops.listen_host, config.ops.listen_port);
  } else {
    auto parsed = parse_probe_url(chosen.url);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
      std::cerr << "relay-gateway: " << *problem << "\n";
      return 1;
    }
    target = std::get<ProbeTarget>(std::move(parsed));
  }
  const std::string where = "http://" + target.host_header + target.path;
  const auto result = probe(target, std::chrono::seconds(chosen.timeout_seconds));
  if (result.healthy) {
    std::cout << "healthy: " << where << " " << result.detail << "\n";
    return 0;
  }
  std::cerr << "unhealthy: " << where << " " << result.detail << "\n";
  return 1;
}

}  // namespace relay::cli
