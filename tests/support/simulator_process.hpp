// Runs the Metriport simulator (metriport-sim) for integration tests on a loopback port, and talks
// to its control API: settings at run time, and everything it received (what Metriport would see).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "tests/support/gateway_process.hpp"

namespace relay::testing {

// Path of metriport-sim: env RELAY_SIMULATOR_BINARY, else the test executable's compile-time
// RELAY_SIMULATOR_BINARY, else throws.
std::string simulator_binary();
void set_default_simulator_binary(std::string path);

#ifdef RELAY_SIMULATOR_BINARY
namespace detail {
inline const bool simulator_binary_registered =
    (set_default_simulator_binary(RELAY_SIMULATOR_BINARY), true);
}  // namespace detail
#endif

struct SimulatorOptions {
  std::string api_key = "sim-api-key-for-tests";
  std::string webhook_url;  // empty: no webhooks are posted
  std::string webhook_key = "sim-webhook-key-for-tests";
  std::string settings_json = "{}";  // initial settings (see tests/simulator/settings.hpp)
};

// A running metriport-sim. When RELAY_CAPTURE_DIR is set, it appends every send body and webhook
// it sees to a file there, which the contract tests check against Metriport's own schemas.
class SimulatorProcess {
 public:
  explicit SimulatorProcess(SimulatorOptions options = {});

  std::uint16_t port() const { return process_->port(); }
  std::string base_url() const;  // http://127.0.0.1:<port>/medical/v1 (METRIPORT_BASE_URL)
  const SimulatorOptions& options() const { return options_; }

  // POST /_sim/settings (merged into the current settings).
  void set_settings(const std::string& json);
  // GET /_sim/received and GET /_sim/counters.
  boost::json::value received();
  boost::json::value counters();
  std::int64_t counter(const std::string& name);

  // Polls condition every 50 ms until it holds; false when the timeout passes first.
  static bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

  GatewayProcess& process() { return *process_; }

 private:
  boost::json::value get_json(const std::string& target);

  SimulatorOptions options_;
  std::unique_ptr<GatewayProcess> process_;
};

}  // namespace relay::testing
