// A small parser for the sample lines of the text format (name{label="value",...} value), enough
// for the gateway's own output; promtool is run through sh to feed it the text on stdin.
#include "tests/integration/gateway/ops/scrape_text.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/gateway_process.hpp"

namespace relay::testing {
namespace {

struct Sample {
  std::string name;
  SampleLabels labels;
  double value = 0;
};

std::optional<Sample> parse_sample(const std::string& line) {
  if (line.empty() || line[0] == '#') return std::nullopt;
  Sample sample;
  std::size_t at = line.find_first_of("{ ");
  if (at == std::string::npos) return std::nullopt;
  sample.name = line.substr(0, at);
  if (line[at] == '{') {
    ++at;
    while (at < line.size() && line[at] != '}') {
      const auto equals = line.find('=', at);
      if (equals == std::string::npos || equals + 1 >= line.size() || line[equals + 1] != '"') {
        return std::nullopt;
      }
      const std::string name = line.substr(at, equals - at);
      std::string value;
      std::size_t i = equals + 2;
      for (; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) ++i;
        value += line[i];
      }
      sample.labels[name] = value;
      at = i + 1;
      if (at < line.size() && line[at] == ',') ++at;
    }
    ++at;  // '}'
  }
  try {
    sample.value = std::stod(line.substr(at));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return sample;
}

std::string promtool_path() {
  if (const char* configured = std::getenv("RELAY_PROMTOOL")) return configured;
#ifdef RELAY_PROMTOOL_BINARY
  return RELAY_PROMTOOL_BINARY;
#else
  throw std::runtime_error("promtool not found: run deploy/install-deps.sh (package prometheus)");
#endif
}

}  // namespace

std::optional<double> scrape_value(const std::string& text, const std::string& name,
                                   const SampleLabels& labels) {
  std::optional<double> sum;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto sample = parse_sample(line);
    if (!sample || sample->name != name) continue;
    bool matches = true;
    for (const auto& [key, value] : labels) {
      const auto found = sample->labels.find(key);
      matches = matches && found != sample->labels.end() && found->second == value;
    }
    if (matches) sum = sum.value_or(0) + sample->value;
  }
  return sum;
}

PromtoolVerdict promtool_check_metrics(const std::string& text) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("relay-scrape-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(file, std::ios::binary);
    out << text;
  }
  const auto result = run_process(
      "/bin/sh", {"-c", "\"$0\" check metrics < \"$1\" 2>&1", promtool_path(), file.string()});
  std::filesystem::remove(file);
  return {result.exit_code, result.out + result.err};
}

}  // namespace relay::testing
