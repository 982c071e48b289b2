// parse_cli: flags take their value from the next argument or after "="; --settings is merged over
// the defaults after --webhook-url/--webhook-key, so it may override them too.
#include "tests/simulator/cli_options.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <optional>

namespace relay::sim {

std::variant<CliOptions, std::string> parse_cli(const std::vector<std::string>& args) {
  CliOptions out;
  std::optional<std::string> listen, settings_json;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (const auto eq = name.find('='); eq != std::string::npos && name.starts_with("--")) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (name == "--help" || name == "-h") return std::string("help");
    if (!value) {
      if (i + 1 >= args.size()) return name + " needs a value";
      value = args[++i];
    }
    if (name == "--listen") {
      listen = *value;
    } else if (name == "--api-key") {
      out.simulator.api_key = *value;
    } else if (name == "--webhook-url") {
      out.simulator.settings.webhook_url = *value;
    } else if (name == "--webhook-key") {
      out.simulator.settings.webhook_key = *value;
    } else if (name == "--settings") {
      settings_json = *value;
    } else if (name == "--capture-file") {
      out.simulator.capture_file = *value;
    } else if (name == "--threads") {
      const auto [end, ec] =
          std::from_chars(value->data(), value->data() + value->size(), out.threads);
      if (ec != std::errc() || end != value->data() + value->size() || out.threads < 1 ||
          out.threads > 8) {
        return std::string("--threads must be 1..8");
      }
    } else {
      return "unknown option " + name;
    }
  }
  if (!listen) return std::string("--listen HOST:PORT is required");
  const auto colon = listen->rfind(':');
  if (colon == std::string::npos || colon == 0) return std::string("--listen must be HOST:PORT");
  std::string host = listen->substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const std::string port_text = listen->substr(colon + 1);
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return std::string("--listen port must be 0..65535");
  }
  out.simulator.host = host;
  out.simulator.port = static_cast<std::uint16_t>(port);
  if (out.simulator.api_key.empty()) return std::string("--api-key is required");
  if (settings_json) {
    boost::system::error_code parse_error;
    const auto patch = boost::json::parse(*settings_json, parse_error);
    if (parse_error) return "--settings is not JSON: " + parse_error.message();
    if (auto problem = merge_settings(out.simulator.settings, patch)) {
      return "--settings: " + *problem;
    }
  }
  return out;
}

}  // namespace relay::sim
