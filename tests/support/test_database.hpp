// A throwaway PostgreSQL database per test: created (and migrated) from RELAY_TEST_DATABASE_URL, a
// superuser URL of a running server, and dropped with FORCE when the fixture goes out of scope.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <pqxx/pqxx>

namespace relay::testing {

// RELAY_TEST_DATABASE_URL, or a std::runtime_error saying how to set it (so tests fail, not skip).
std::string test_database_admin_url();

// `url` (a postgresql:// URI or a "key=value" string) pointed at database `database`.
std::string with_database(const std::string& url, const std::string& database);

struct ServerAddress {
  std::string host;
  std::uint16_t port = 5432;
};

// The TCP address of the server `url` names (throws std::runtime_error for a Unix socket).
ServerAddress server_address(const std::string& url);

// `url` as a "key=value" string with the server address replaced: the same database, user and
// options reached through host:port (a TcpProxy in front of the server).
std::string via_address(const std::string& url, const std::string& host, std::uint16_t port);

class TestDatabase {
 public:
  enum class Schema { migrated, empty };

  explicit TestDatabase(Schema schema = Schema::migrated);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }
  pqxx::connection& connection() { return *connection_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace relay::testing
