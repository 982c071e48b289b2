// The relay-gateway command line: serve, migrate, vendors, operators, queues, retention, operator
// actions and the container healthcheck.
// Each command lives in its own file; this header is what main() calls.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"

namespace relay::cli {

// Parses argv and runs the command; returns the process exit code (0 ok, 1 failure, 2 usage).
int run(int argc, char** argv);

int serve_command(const config::Config& config);
int migrate_command(const config::Config& config);
// words: {"vendor", ACTION, [NAME]}; returns -1 when the words name no vendor command.
int vendor_command(const config::Config& config, const std::vector<std::string>& words);
// words: {"operator", ACTION, [NAME], [--role ROLE]}; -1 when the words name no operator command.
int operator_command(const config::Config& config, const std::vector<std::string>& words);
// words: {"deliveries", VENDOR, EXTERNAL_ID}; -1 when malformed.
int deliveries_command(const config::Config& config, const std::vector<std::string>& words);
// words: {"queue"}: deliveries per state and the expected drain time of the backlog.
int queue_command(const config::Config& config, const std::vector<std::string>& words);
// words: {"prune"} or {"prune", "--dry-run"}: one retention pass now, or its preview.
int prune_command(const config::Config& config, const std::vector<std::string>& words);
// words: {"ops", retry|cancel|pause|resume, --FLAG VALUE..., [--dry-run]}; -1 when malformed.
int ops_command(const config::Config& config, const std::vector<std::string>& words);
// words: {"healthcheck", [--url URL], [--timeout SECONDS]}: 0 when /livez answers 200, else 1.
int healthcheck_command(const config::Config& config, const std::vector<std::string>& words);

}  // namespace relay::cli
