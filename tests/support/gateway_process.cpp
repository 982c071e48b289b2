// fork/exec supervision of relay-gateway for tests: environment merging, output capture, readiness
// polling on /healthz, bounded stop (SIGTERM then SIGKILL), and reaping so no zombie remains.
#include "tests/support/gateway_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include "tests/support/free_port.hpp"
#include "tests/support/http_client.hpp"

extern char** environ;

namespace relay::testing {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The gateway's log folder goes away with the process, unless RELAY_TEST_KEEP_LOGS=1 asks to keep
// it.
void remove_temp_dir_unless_kept(const std::string& temp_dir) {
  const char* keep = std::getenv("RELAY_TEST_KEEP_LOGS");
  if (keep != nullptr && std::string_view(keep) == "1") return;
  std::error_code ignored;
  std::filesystem::remove_all(temp_dir, ignored);
}

std::mutex& binary_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::string& default_binary() {
  static std::string path;
  return path;
}

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The current environment with overrides applied, as KEY=VALUE strings.
std::vector<std::string> merged_environment(const EnvMap& overrides) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    merged[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
  }
  for (const auto& [key, value] : overrides) merged[key] = value;
  std::vector<std::string> out;
  out.reserve(merged.size());
  for (const auto& [key, value] : merged) out.push_back(key + "=" + value);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts binary with args; the child's stdin/stdout/stderr become the given descriptors. Only
// async-signal-safe calls happen between fork and exec. Throws if fork or exec fails.
pid_t spawn(const std::string& binary, const std::vector<std::string>& args, const EnvMap& env,
            int in_fd, int out_fd, int err_fd) {
  std::vector<std::string> argv_strings;
  argv_strings.push_back(binary);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = merged_environment(env);
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);

  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe2"));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const std::string message = errno_text("fork");
    ::close(exec_pipe[0]);
    ::close(exec_pipe[1]);
    throw std::runtime_error(message);
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(in_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::dup2(exec_pipe[1], 3);
    ::fcntl(3, F_SETFD, FD_CLOEXEC);
    // Nothing else of the test process (listening sockets, database connections) leaks.
    if (::close_range(4, ~0U, 0) != 0) {
      for (int fd = 4; fd < 65536; ++fd) ::close(fd);
    }
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signo : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) {
      ::sigaction(signo, &default_action, nullptr);
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(argv[0], argv.data(), envp.data());
    const int error = errno;
    [[maybe_unused]] const auto written = ::write(3, &error, sizeof(error));
    ::_exit(127);
  }
  ::close(exec_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_pipe[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  ::close(exec_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof(child_errno))) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    throw std::runtime_error("cannot execute " + binary + ": " + std::strerror(child_errno));
  }
  return pid;
}

int open_or_throw(const char* path, int flags, mode_t mode = 0) {
  const int fd = ::open(path, flags | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error(errno_text(std::string("open ") + path));
  return fd;
}

// Waits for pid without blocking longer than timeout; the decoded status, or nullopt.
std::optional<int> wait_with_timeout(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return decode_status(status);
    if (r < 0 && errno != EINTR) return -1;  // not our child any more
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

std::string tail_lines(const std::string& text, std::size_t lines) {
  std::size_t pos = text.size();
  for (std::size_t i = 0; i <= lines && pos > 0; ++i) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

std::uint16_t port_of_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  const std::string digits = colon == std::string::npos ? listen : listen.substr(colon + 1);
  const long value = std::strtol(digits.c_str(), nullptr, 10);
  if (value <= 0 || value > 65535) throw std::runtime_error("bad GATEWAY_LISTEN: " + listen);
  return static_cast<std::uint16_t>(value);
}

}  // namespace

void set_default_gateway_binary(std::string path) {
  std::lock_guard lock(binary_mutex());
  default_binary() = std::move(path);
}

std::string gateway_binary() {
  if (const char* env = std::getenv("RELAY_GATEWAY_BINARY"); env != nullptr && *env != '\0') {
    return env;
  }
  std::lock_guard lock(binary_mutex());
  if (!default_binary().empty()) return default_binary();
  throw std::runtime_error(
      "relay-gateway binary unknown: set RELAY_GATEWAY_BINARY (deploy/run-tests.sh does)");
}

CliResult run_process(const std::string& binary, const std::vector<std::string>& args,
                      const EnvMap& env, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe2"));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    const std::string message = errno_text("pipe2");
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    throw std::runtime_error(message);
  }
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = -1;
  try {
    pid = spawn(binary, args, env, null_fd, out_pipe[1], err_pipe[1]);
  } catch (...) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], null_fd}) ::close(fd);
    throw;
  }
  for (int fd : {out_pipe[1], err_pipe[1], null_fd}) ::close(fd);

  CliResult result;
  std::array<pollfd, 2> fds{pollfd{out_pipe[0], POLLIN, 0}, pollfd{err_pipe[0], POLLIN, 0}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  int open_count = 2;
  std::array<char, 8192> buffer{};
  while (open_count > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        sinks[i]->append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  for (const auto& fd : fds) {
    if (fd.fd >= 0) ::close(fd.fd);
  }

  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  std::optional<int> code = wait_with_timeout(pid, std::max(left, std::chrono::milliseconds(0)));
  if (!code) {
    result.timed_out = true;
    ::kill(pid, SIGKILL);
    code = wait_with_timeout(pid, 10s);
  } else if (result.timed_out) {
    ::kill(pid, SIGKILL);  // stdout still open in a grandchild; the child itself already exited
  }
  result.exit_code = code.value_or(-1);
  return result;
}

CliResult run_cli(const std::vector<std::string>& args, const EnvMap& env,
                  std::chrono::milliseconds timeout) {
  return run_process(gateway_binary(), args, env, timeout);
}

namespace {
GatewayOptions options_for(std::string config_path, EnvMap env) {
  GatewayOptions options;
  options.config_path = std::move(config_path);
  options.env = std::move(env);
  return options;
}
}  // namespace

GatewayProcess::GatewayProcess(std::string config_path, EnvMap env)
    : GatewayProcess(options_for(std::move(config_path), std::move(env))) {}

GatewayProcess::GatewayProcess(GatewayOptions options) {
  const std::string binary = options.binary.empty() ? gateway_binary() : options.binary;
  if (auto it = options.env.find("GATEWAY_LISTEN"); it != options.env.end()) {
    port_ = port_of_listen(it->second);
  } else {
    port_ = options.port != 0 ? options.port : free_loopback_port();
    options.env["GATEWAY_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
  }
  // The operations listener of a gateway (not of another server program) gets a free port too,
  // so gateways started side by side never collide on the default 8090.
  if (options.args.empty()) {
    if (auto it = options.env.find("GATEWAY_OPS_LISTEN"); it != options.env.end()) {
      ops_port_ = port_of_listen(it->second);
    } else {
      // Each port is free when asked for, not reserved: the kernel may hand out one twice.
      for (int tries = 0; tries < 20 && (ops_port_ == 0 || ops_port_ == port_); ++tries) {
        ops_port_ = free_loopback_port();
      }
      options.env["GATEWAY_OPS_LISTEN"] = "127.0.0.1:" + std::to_string(ops_port_);
    }
  }

  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/relay-gateway-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error(errno_text("mkdtemp"));
  temp_dir_ = pattern;
  log_path_ = temp_dir_ + "/gateway.log";

  ready_path_ = options.ready_path;
  std::vector<std::string> args = options.args;
  if (args.empty()) {
    args = {"serve", "--config", options.config_path};
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  }
  const int log_fd =
      open_or_throw(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  try {
    pid_ = spawn(binary, args, options.env, null_fd, log_fd, log_fd);
  } catch (...) {
    ::close(log_fd);
    ::close(null_fd);
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
    throw;
  }
  ::close(log_fd);
  ::close(null_fd);

  if (options.wait_until_ready) {
    try {
      wait_ready(options.ready_timeout);
    } catch (...) {
      kill9();
      remove_temp_dir_unless_kept(temp_dir_);
      throw;
    }
  }
}

GatewayProcess::~GatewayProcess() {
  try {
    stop();
  } catch (...) {
    kill9();
  }
  remove_temp_dir_unless_kept(temp_dir_);
}

std::string GatewayProcess::ops_base_url() const {
  return "http://127.0.0.1:" + std::to_string(ops_port_);
}

std::string GatewayProcess::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void GatewayProcess::wait_ready(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string last_problem = "no answer";
  while (Clock::now() < deadline) {
    if (!running()) {
      throw std::runtime_error("relay-gateway exited with " +
                               std::to_string(exit_code_.value_or(-1)) +
                               " before it was ready; log tail:\n" + tail_lines(log_text(), 40));
    }
    try {
      HttpClient client(host(), port_, 1s);
      const HttpResult answer = client.get(ready_path_);
      if (answer.status == 200) return;
      last_problem = "GET " + ready_path_ + " answered " + std::to_string(answer.status);
    } catch (const HttpClientError& e) {
      last_problem = e.what();
    }
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error("relay-gateway not ready on port " + std::to_string(port_) + " within " +
                           std::to_string(timeout.count()) + " ms (" + last_problem +
                           "); log tail:\n" + tail_lines(log_text(), 40));
}

bool GatewayProcess::reap(bool block) {
  if (pid_ < 0 || exit_code_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return true;
  }
  if (r < 0) {  // someone else reaped it; nothing left to wait for
    exit_code_ = -1;
    return true;
  }
  return false;
}

bool GatewayProcess::running() {
  return !reap(false);
}

std::optional<int> GatewayProcess::exit_code() {
  reap(false);
  return exit_code_;
}

std::optional<int> GatewayProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!reap(false)) {
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
  return exit_code_;
}

void GatewayProcess::signal(int signo) {
  if (running()) ::kill(pid_, signo);
}

int GatewayProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ < 0) return -1;
  if (running()) {
    ::kill(pid_, SIGTERM);
    if (!wait_for_exit(grace)) {
      ::kill(pid_, SIGKILL);
      reap(true);
    }
  }
  return exit_code_.value_or(-1);
}

int GatewayProcess::kill9() {
  if (pid_ < 0) return -1;
  if (running()) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  return exit_code_.value_or(-1);
}

std::string GatewayProcess::log_text() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool GatewayProcess::wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (log_text().find(needle) != std::string::npos) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace relay::testing
