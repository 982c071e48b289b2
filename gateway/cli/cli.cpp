// Argument parsing and dispatch for relay-gateway; configuration errors are reported here, once,
// with the offending key, and turned into exit code 2.
#include "gateway/cli/cli.hpp"

#include <cstdlib>
#include <iostream>

#include "gateway/log/log.hpp"

namespace relay::cli {
namespace {

constexpr const char* usage_text =
    "usage: relay-gateway <command> [--config FILE]\n"
    "commands:\n"
    "  serve              run the gateway: vendor listener (GATEWAY_LISTEN), operations listener\n"
    "                     (GATEWAY_OPS_LISTEN) and relay (needs GATEWAY_TOKEN_SECRET, "
    "DATABASE_URL)\n"
    "  migrate            apply the database migrations compiled into this binary\n"
    "  vendor add NAME    create a vendor account and print its generated password once\n"
    "  vendor disable NAME | vendor enable NAME\n"
    "                     refuse (or accept again) the vendor's tokens and logins\n"
    "  vendor reset-password NAME\n"
    "                     replace the vendor's password and print the new one once\n"
    "  vendor list        list vendors with their state and message counts\n"
    "  operator add NAME --role viewer|operator|admin\n"
    "                     create an operator (operations listener) and print its password once\n"
    "  operator disable NAME | operator enable NAME | operator reset-password NAME\n"
    "  operator list      list operators with their role and state\n"
    "  deliveries VENDOR EXTERNAL_ID\n"
    "                     one message's deliveries: state, attempts, Metriport ids, last error\n"
    "  queue              deliveries per state and when the backlog should be sent\n"
    "  prune [--dry-run]  one retention pass now (config retention); --dry-run prints what it\n"
    "                     would purge and delete and changes nothing\n"
    "  ops retry|cancel [--dry-run] [--state S[,S...]] [--vendor V] [--sender X]\n"
    "                   [--patient-external-id P] [--error TEXT] [--created-from T] [--created-to "
    "T]\n"
    "                     retry or cancel every delivery the filter matches (legal moves only,\n"
    "                     at most ops.bulk_action_cap); --dry-run only counts\n"
    "  ops pause|resume [--vendor V]\n"
    "                     pause (or resume) relaying for everyone or one vendor\n"
    "  healthcheck [--url URL] [--timeout SECONDS]\n"
    "                     GET /livez on the operations listener (GATEWAY_OPS_LISTEN, or URL)\n"
    "                     within SECONDS (default 2); exit 0 when it answers 200, else 1\n"
    "Every fixed configuration name (DATABASE_URL, GATEWAY_LISTEN, ...) may come from the\n"
    "environment; see config/README.md.\n";

int usage(const std::string& problem) {
  if (!problem.empty()) std::cerr << "relay-gateway: " << problem << "\n";
  std::cerr << usage_text;
  return 2;
}

void apply_log_level() {
  const char* level = std::getenv("GATEWAY_LOG_LEVEL");
  if (!level) return;
  const std::string value = level;
  if (value == "debug") log::set_min_level(log::Level::debug);
  if (value == "warn") log::set_min_level(log::Level::warn);
  if (value == "error") log::set_min_level(log::Level::error);
}

}  // namespace

int run(int argc, char** argv) {
  std::vector<std::string> words;
  std::optional<std::string> config_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config") {
      if (i + 1 >= argc) return usage("--config needs a file name");
      config_path = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      std::cout << usage_text;
      return 0;
    } else {
      words.push_back(arg);
    }
  }
  if (words.empty()) return usage("");
  apply_log_level();

  config::Config config;
  try {
    config = config::load_config(config_path);
  } catch (const config::ConfigError& error) {
    std::cerr << "relay-gateway: configuration error: " << error.what() << "\n";
    // A container runtime reads a healthcheck's exit code 2 as reserved: unhealthy is 1.
    return words[0] == "healthcheck" ? 1 : 2;
  }

  try {
    if (words[0] == "serve" && words.size() == 1) return serve_command(config);
    if (words[0] == "migrate" && words.size() == 1) return migrate_command(config);
    if (words[0] == "vendor") {
      const int code = vendor_command(config, words);
      if (code >= 0) return code;
    }
    if (words[0] == "operator") {
      const int code = operator_command(config, words);
      if (code >= 0) return code;
    }
    if (words[0] == "deliveries") {
      const int code = deliveries_command(config, words);
      if (code >= 0) return code;
    }
    if (words[0] == "ops") {
      const int code = ops_command(config, words);
      if (code >= 0) return code;
    }
    if (words[0] == "healthcheck") return healthcheck_command(config, words);
    if (words[0] == "queue") {
      const int code = queue_command(config, words);
      if (code >= 0) return code;
    }
    if (words[0] == "prune") {
      const int code = prune_command(config, words);
      if (code >= 0) return code;
    }
  } catch (const std::exception& failure) {
    log::error("command.failed", {{"command", words[0]}, {"reason", failure.what()}});
    std::cerr << "relay-gateway: " << words[0] << " failed: " << failure.what() << "\n";
    return 1;
  }
  return usage("unknown command");
}

}  // namespace relay::cli
