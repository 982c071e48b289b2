// Drives deploy/pg-cluster.sh, pg_basebackup and pg_ctl for PostgresCluster, running the server
// programs as "postgres" when the tests run as root (PostgreSQL refuses to run as root).
#include "tests/support/postgres_cluster.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include <pqxx/pqxx>

#include "tests/support/free_port.hpp"
#include "tests/support/gateway_process.hpp"

namespace relay::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* owner_name = "postgres";

bool running_as_root() {
  return ::geteuid() == 0;
}

// A folder every user may enter (the server runs as "postgres" and keeps its data below it).
std::string make_shared_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "relay-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  ::chmod(pattern.c_str(), 0755);
  return pattern;
}

// An empty data folder for pg_basebackup: mode 0700, owned by the server's user.
void make_owned_data_dir(const std::string& path) {
  std::filesystem::create_directory(path);
  ::chmod(path.c_str(), 0700);
  if (!running_as_root()) return;
  const passwd* owner = ::getpwnam(owner_name);
  if (owner == nullptr) throw std::runtime_error("running as root but there is no user postgres");
  if (::chown(path.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
    throw std::runtime_error("cannot hand " + path + " to user postgres");
  }
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

CliResult checked(const std::string& what, CliResult result) {
  if (result.exit_code != 0) {
    throw std::runtime_error(what + " failed (exit " + std::to_string(result.exit_code) +
                             (result.timed_out ? ", timed out" : "") + "): " + result.err +
                             result.out);
  }
  return result;
}

void append_line(const std::string& path, const std::string& line) {
  std::ofstream file(path, std::ios::app);
  file << line << '\n';
  if (!file) throw std::runtime_error("cannot append to " + path);
}

}  // namespace

PostgresCluster::PostgresCluster(std::string script) : script_(std::move(script)) {
  temp_dir_ = make_shared_temp_dir();
  data_dir_ = temp_dir_ + "/data";
  try {
    bindir_ = trimmed(
        checked("pg-cluster.sh bindir", run_process("/bin/bash", {script_, "bindir", data_dir_}))
            .out);
    port_ = free_loopback_port();
    run_script({"init", data_dir_, std::to_string(port_)});
    // initdb's pg_hba.conf allows replication from 127.0.0.1 already; say so explicitly.
    append_line(data_dir_ + "/pg_hba.conf", "host replication postgres 127.0.0.1/32 trust");
    run_script({"start", data_dir_, std::to_string(port_)});
    running_ = true;
    execute("ALTER SYSTEM SET wal_level = 'replica'");
    if (query_text("SHOW wal_level") != "replica") {  // not the default here: restart for it
      run_script({"stop", data_dir_});
      run_script({"start", data_dir_, std::to_string(port_)});
    }
  } catch (...) {
    shut_down();
    throw;
  }
}

PostgresCluster::PostgresCluster(const PostgresCluster& primary,
                                 const std::string& application_name)
    : script_(primary.script_), bindir_(primary.bindir_) {
  temp_dir_ = make_shared_temp_dir();
  data_dir_ = temp_dir_ + "/data";
  try {
    make_owned_data_dir(data_dir_);
    port_ = free_loopback_port();
    // -R writes standby.signal and primary_conninfo from this connection's options, so the
    // standby streams as `application_name`. pg-cluster.sh then moves it to its own port.
    run_as_owner("pg_basebackup", {"-D", data_dir_, "-R", "-X", "stream", "-c", "fast", "-d",
                                   "host=127.0.0.1 port=" + std::to_string(primary.port()) +
                                       " user=postgres application_name=" + application_name});
    run_script({"start", data_dir_, std::to_string(port_)});
    running_ = true;
  } catch (...) {
    shut_down();
    throw;
  }
}

PostgresCluster::~PostgresCluster() {
  shut_down();
}

void PostgresCluster::shut_down() noexcept {
  if (running_) {
    try {
      stop_immediately();
    } catch (...) {
      // Nothing better to do in a destructor; the folder below goes anyway.
    }
  }
  const char* keep = std::getenv("RELAY_TEST_KEEP_LOGS");
  if (keep != nullptr && std::string_view(keep) == "1") return;
  std::error_code ignored;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ignored);
  temp_dir_.clear();
}

std::string PostgresCluster::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database +
         "?connect_timeout=5";
}

void PostgresCluster::execute(const std::string& sql) const {
  pqxx::connection connection(url());
  pqxx::nontransaction tx(connection);
  tx.exec(sql);
}

std::string PostgresCluster::query_text(const std::string& sql) const {
  pqxx::connection connection(url());
  pqxx::nontransaction tx(connection);
  const auto rows = tx.exec(sql);
  if (rows.empty() || rows[0][0].is_null()) return "";
  return rows[0][0].as<std::string>();
}

void PostgresCluster::stop_immediately() {
  run_as_owner("pg_ctl", {"stop", "-D", data_dir_, "-m", "immediate", "-w", "-t", "30", "-s"});
  running_ = false;
}

void PostgresCluster::promote() {
  run_as_owner("pg_ctl", {"promote", "-D", data_dir_, "-w", "-t", "30", "-s"});
}

void PostgresCluster::run_as_owner(const std::string& program,
                                   const std::vector<std::string>& args) const {
  // From / so that a folder the owner cannot read (e.g. /root) does not bother the programs.
  std::vector<std::string> command{"-C", "/"};
  if (running_as_root()) {
    for (const char* word : {"/usr/sbin/runuser", "-u", owner_name, "--"}) command.push_back(word);
  }
  command.push_back(bindir_ + "/" + program);
  command.insert(command.end(), args.begin(), args.end());
  checked(program, run_process("/usr/bin/env", command, {}, 60s));
}

void PostgresCluster::run_script(const std::vector<std::string>& args) const {
  std::vector<std::string> command{script_};
  command.insert(command.end(), args.begin(), args.end());
  // Durable settings whatever the caller's environment says: PG_FAST_UNSAFE=1 (deploy/run-tests.sh)
  // turns synchronous_commit off, and with it the synchronous standby's guarantee.
  checked("pg-cluster.sh " + args.front(),
          run_process("/bin/bash", command, {{"PG_FAST_UNSAFE", "0"}}, 90s));
}

}  // namespace relay::testing
