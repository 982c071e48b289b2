// Runs the real relay-gateway binary for integration tests: `serve` as a supervised child process
// on a loopback port (GatewayProcess), and one-shot CLI commands such as `migrate` (run_cli).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::testing {

using EnvMap = std::map<std::string, std::string>;

// Path of relay-gateway: env RELAY_GATEWAY_BINARY, else the compile-time RELAY_GATEWAY_BINARY of
// the test executable (registered below), else throws std::runtime_error.
std::string gateway_binary();
// Records the fallback path; called automatically where RELAY_GATEWAY_BINARY is defined.
void set_default_gateway_binary(std::string path);

#ifdef RELAY_GATEWAY_BINARY
namespace detail {
// Registers the test executable's compile-time path before main (the support library itself is
// compiled without the macro).
inline const bool gateway_binary_registered =
    (set_default_gateway_binary(RELAY_GATEWAY_BINARY), true);
}  // namespace detail
#endif

struct CliResult {
  int exit_code = -1;      // the exit status, or 128 + signal number when killed by a signal
  std::string out;         // everything written to stdout
  std::string err;         // everything written to stderr
  bool timed_out = false;  // killed (SIGKILL) because the timeout elapsed
};

// Runs a program to completion with env added to the current environment, stdin from /dev/null,
// killing it when the timeout elapses.
CliResult run_process(const std::string& binary, const std::vector<std::string>& args,
                      const EnvMap& env = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

// run_process on gateway_binary(), e.g. run_cli({"migrate"}, {{"DATABASE_URL", url}}).
CliResult run_cli(const std::vector<std::string>& args, const EnvMap& env = {},
                  std::chrono::milliseconds timeout = std::chrono::seconds(60));

struct GatewayOptions {
  std::string config_path;  // passed as --config
  EnvMap env;               // added to (and overriding) the current environment
  // 0: a free loopback port. Either way GATEWAY_LISTEN=127.0.0.1:<port> is set unless env sets
  // GATEWAY_LISTEN itself, in which case its port is used.
  std::uint16_t port = 0;
  std::vector<std::string> extra_args;  // after `serve --config <file>`
  // Non-empty: the whole argument list instead of `serve --config <file> extra_args` (another
  // server program, such as the Metriport simulator).
  std::vector<std::string> args;
  std::string ready_path = "/healthz";  // GET answering 200 means ready
  std::string binary;                   // empty: gateway_binary()
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(20);
  bool wait_until_ready = true;  // wait for GET /healthz -> 200 in the constructor
};

// A running `relay-gateway serve`. Output (stdout and stderr) goes to a log file in a private
// temporary folder, removed by the destructor unless RELAY_TEST_KEEP_LOGS=1. The child is killed
// if the thread that started it dies (PR_SET_PDEATHSIG), so crashed tests leave no servers behind:
// start gateways from the test's main thread or from threads that outlive them.
class GatewayProcess {
 public:
  // Starts the gateway and (by default) waits until GET /healthz answers 200; throws
  // std::runtime_error with the log's tail if it exits or does not get ready in time.
  explicit GatewayProcess(std::string config_path, EnvMap env = {});
  explicit GatewayProcess(GatewayOptions options);
  ~GatewayProcess();  // stop()
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // The operations listener's port (GATEWAY_OPS_LISTEN; 0 for another server program).
  std::uint16_t ops_port() const { return ops_port_; }
  std::string ops_base_url() const;  // http://127.0.0.1:<ops port>
  std::string host() const { return "127.0.0.1"; }
  std::string base_url() const;  // http://127.0.0.1:<port>
  pid_t pid() const { return pid_; }

  // Polls GET ready_path until it answers 200; throws if the process exits or the time runs out.
  void wait_ready(std::chrono::milliseconds timeout);
  bool running();
  // SIGTERM, wait up to grace, then SIGKILL. Returns the exit code (see exit_code()).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(15));
  // SIGKILL at once (a crash); returns the exit code (137).
  int kill9();
  // Sends any signal (e.g. SIGTERM without waiting, to observe a graceful shutdown).
  void signal(int signo);
  // nullopt while running; the exit status, or 128 + signal number when killed by a signal.
  std::optional<int> exit_code();
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

  std::string log_path() const { return log_path_; }
  std::string log_text() const;
  // Polls the log until it contains needle; false when the timeout elapses first.
  bool wait_for_log(std::string_view needle, std::chrono::milliseconds timeout);

 private:
  bool reap(bool block);

  std::string temp_dir_;
  std::string log_path_;
  std::uint16_t port_ = 0;
  std::uint16_t ops_port_ = 0;
  std::string ready_path_ = "/healthz";
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace relay::testing
