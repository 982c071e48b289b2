// Reading a Prometheus text-format scrape in tests: the samples of a metric whose labels include
// the given ones, and promtool's verdict on the whole text.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace relay::testing {

using SampleLabels = std::map<std::string, std::string>;

// The sum of every sample named `name` whose labels include `labels`; nullopt when none matches.
std::optional<double> scrape_value(const std::string& text, const std::string& name,
                                   const SampleLabels& labels = {});

struct PromtoolVerdict {
  int exit_code = -1;
  std::string output;  // what promtool printed (its lint findings)
};
// `promtool check metrics` on the text (RELAY_PROMTOOL, else the promtool CMake found).
PromtoolVerdict promtool_check_metrics(const std::string& text);

}  // namespace relay::testing
