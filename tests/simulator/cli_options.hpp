// metriport-sim's command line: --listen HOST:PORT --api-key KEY [--webhook-url URL]
// [--webhook-key KEY] [--settings JSON] [--capture-file PATH] [--threads N].
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "tests/simulator/simulator.hpp"

namespace relay::sim {

struct CliOptions {
  SimulatorOptions simulator;
  int threads = 1;
};

inline constexpr const char* usage_text =
    "usage: metriport-sim --listen HOST:PORT --api-key KEY [--webhook-url URL] [--webhook-key "
    "KEY]\n"
    "                     [--settings JSON] [--capture-file PATH] [--threads N]\n";

// The options, or an error text (the caller prints it with usage_text and exits 2).
std::variant<CliOptions, std::string> parse_cli(const std::vector<std::string>& args);

}  // namespace relay::sim
