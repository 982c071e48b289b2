// A private PostgreSQL server in a temporary folder for tests that kill or promote servers: a
// primary made with deploy/pg-cluster.sh, or a streaming standby cloned from one with
// pg_basebackup.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace relay::testing {

class PostgresCluster {
 public:
  // initdb (trust auth, superuser "postgres") and start on a free loopback port, as
  // deploy/pg-cluster.sh does it (`script` is its path); replication connections from 127.0.0.1
  // are allowed and wal_level is replica. As root, the server runs as the "postgres" user.
  explicit PostgresCluster(std::string script);
  // A hot standby of `primary` (pg_basebackup -R, WAL streamed), started on its own free port; it
  // connects with application_name `application_name` (for synchronous_standby_names).
  PostgresCluster(const PostgresCluster& primary, const std::string& application_name);
  // Stops the server at once if it still runs, then removes the folder.
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  std::uint16_t port() const { return port_; }
  // postgresql://postgres@127.0.0.1:<port>/<database>
  std::string url(const std::string& database = "postgres") const;

  // Runs one statement outside a transaction (ALTER SYSTEM, CREATE DATABASE, ...).
  void execute(const std::string& sql) const;
  // The first column of the first row of a query, as text ("" for NULL or no row).
  std::string query_text(const std::string& sql) const;

  // pg_ctl stop -m immediate: the server dies as in a crash (no shutdown checkpoint).
  void stop_immediately();
  // pg_ctl promote, waiting until the standby accepts writes.
  void promote();
  bool running() const { return running_; }

 private:
  // Runs a PostgreSQL client or server program from the server's bindir as the cluster's owner;
  // throws std::runtime_error with its output when it fails.
  void run_as_owner(const std::string& program, const std::vector<std::string>& args) const;
  void run_script(const std::vector<std::string>& args) const;
  // Stops the server if it runs and removes the folder (unless RELAY_TEST_KEEP_LOGS=1).
  void shut_down() noexcept;

  std::string script_;
  std::string bindir_;
  std::string temp_dir_;
  std::string data_dir_;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace relay::testing
