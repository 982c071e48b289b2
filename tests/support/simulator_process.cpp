// SimulatorProcess: the simulator binary under GatewayProcess's supervision (log file, kill on
// parent death), ready once GET /_sim/counters answers, plus JSON helpers for its control API.
#include "tests/support/simulator_process.hpp"

#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "tests/support/free_port.hpp"
#include "tests/support/http_client.hpp"

namespace relay::testing {

namespace {
std::mutex& binary_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::string& default_binary() {
  static std::string path;
  return path;
}
}  // namespace

void set_default_simulator_binary(std::string path) {
  std::lock_guard lock(binary_mutex());
  default_binary() = std::move(path);
}

std::string simulator_binary() {
  if (const char* env = std::getenv("RELAY_SIMULATOR_BINARY"); env != nullptr && *env != '\0') {
    return env;
  }
  std::lock_guard lock(binary_mutex());
  if (!default_binary().empty()) return default_binary();
  throw std::runtime_error("metriport-sim binary unknown: set RELAY_SIMULATOR_BINARY");
}

SimulatorProcess::SimulatorProcess(SimulatorOptions options) : options_(std::move(options)) {
  GatewayOptions process;
  process.binary = simulator_binary();
  process.port = free_loopback_port();
  process.ready_path = "/_sim/counters";
  process.args = {"--listen",   "127.0.0.1:" + std::to_string(process.port),
                  "--api-key",  options_.api_key,
                  "--settings", options_.settings_json};
  if (!options_.webhook_url.empty()) {
    process.args.insert(process.args.end(), {"--webhook-url", options_.webhook_url, "--webhook-key",
                                             options_.webhook_key});
  }
  if (const char* dir = std::getenv("RELAY_CAPTURE_DIR"); dir != nullptr && *dir != '\0') {
    process.args.insert(process.args.end(),
                        {"--capture-file", std::string(dir) + "/sim-" + std::to_string(getpid()) +
                                               "-" + std::to_string(process.port) + ".jsonl"});
  }
  process_ = std::make_unique<GatewayProcess>(std::move(process));
}

std::string SimulatorProcess::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port()) + "/medical/v1";
}

void SimulatorProcess::set_settings(const std::string& json) {
  HttpClient client("127.0.0.1", port());
  const auto answer = client.post("/_sim/settings", json);
  if (answer.status != 200) {
    throw std::runtime_error("simulator refused settings " + json + ": " + answer.body);
  }
}

boost::json::value SimulatorProcess::get_json(const std::string& target) {
  HttpClient client("127.0.0.1", port(), std::chrono::seconds(30));
  const auto answer = client.get(target);
  if (answer.status != 200) {
    throw std::runtime_error("GET " + target + " answered " + std::to_string(answer.status));
  }
  return boost::json::parse(answer.body);
}

boost::json::value SimulatorProcess::received() {
  return get_json("/_sim/received");
}

boost::json::value SimulatorProcess::counters() {
  return get_json("/_sim/counters");
}

std::int64_t SimulatorProcess::counter(const std::string& name) {
  const auto all = counters();
  const auto* value = all.as_object().if_contains(name);
  if (value == nullptr) throw std::runtime_error("simulator has no counter " + name);
  return value->to_number<std::int64_t>();
}

bool SimulatorProcess::wait_until(const std::function<bool()>& condition,
                                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace relay::testing
