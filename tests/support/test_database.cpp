// Creates a uniquely named database on the test server, applies the embedded migrations, and drops
// it afterwards, so integration tests never share state and can run in parallel processes.
#include "tests/support/test_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <utility>
#include <vector>

#include "adapters/postgres/migration_runner.hpp"

namespace relay::testing {
namespace {

std::string unique_database_name() {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return "relay_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() %
                        1000000000);
}

// The options a connection string sets explicitly (libpq's own parser), in libpq's order.
std::vector<std::pair<std::string, std::string>> parsed_options(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) throw std::runtime_error("libpq cannot parse the database URL");
  std::vector<std::pair<std::string, std::string>> set;
  for (const auto* option = options; option->keyword != nullptr; ++option) {
    if (option->val != nullptr && *option->val != '\0')
      set.emplace_back(option->keyword, option->val);
  }
  PQconninfoFree(options);
  return set;
}

void execute_outside_transaction(const std::string& url, const std::string& sql) {
  pqxx::connection admin(url);
  pqxx::nontransaction tx(admin);
  tx.exec0(sql);
}

}  // namespace

std::string test_database_admin_url() {
  const char* url = std::getenv("RELAY_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "RELAY_TEST_DATABASE_URL is not set: integration tests need a superuser URL of a running "
        "PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:55432/postgres "
        "(deploy/run-tests.sh starts one)");
  }
  return url;
}

std::string with_database(const std::string& url, const std::string& database) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url + " dbname=" + database;  // keyword form: last wins
  const auto path = url.find('/', scheme + 3);
  const auto query = url.find('?', scheme + 3);
  if (path == std::string::npos || (query != std::string::npos && path > query)) {
    const auto insert_at = query == std::string::npos ? url.size() : query;
    return url.substr(0, insert_at) + "/" + database + url.substr(insert_at);
  }
  const auto path_end = query == std::string::npos ? url.size() : query;
  return url.substr(0, path + 1) + database + url.substr(path_end);
}

ServerAddress server_address(const std::string& url) {
  ServerAddress address;
  address.host = "localhost";
  for (const auto& [keyword, value] : parsed_options(url)) {
    if (keyword == "host" || keyword == "hostaddr") address.host = value;
    if (keyword == "port") address.port = static_cast<std::uint16_t>(std::stoi(value));
  }
  if (address.host.starts_with("/") || address.host.find(',') != std::string::npos) {
    throw std::runtime_error("the test database must be reached over TCP at one host");
  }
  return address;
}

std::string via_address(const std::string& url, const std::string& host, std::uint16_t port) {
  std::string text = "host=" + host + " port=" + std::to_string(port);
  for (const auto& [keyword, value] : parsed_options(url)) {
    if (keyword == "host" || keyword == "hostaddr" || keyword == "port") continue;
    std::string quoted;
    for (const char c : value) {
      if (c == '\\' || c == '\'') quoted += '\\';
      quoted += c;
    }
    text += " " + keyword + "='" + quoted + "'";
  }
  return text;
}

TestDatabase::TestDatabase(Schema schema)
    : admin_url_(test_database_admin_url()), name_(unique_database_name()) {
  {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction tx(admin);
    tx.exec0("CREATE DATABASE " + tx.quote_name(name_) + " TEMPLATE template0 ENCODING 'UTF8'");
  }
  url_ = with_database(admin_url_, name_);
  try {
    connection_ = std::make_unique<pqxx::connection>(url_);
    if (schema == Schema::migrated) pg::run_migrations(*connection_);
  } catch (...) {
    connection_.reset();
    execute_outside_transaction(admin_url_,
                                "DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
    throw;
  }
}

TestDatabase::~TestDatabase() {
  connection_.reset();
  try {
    execute_outside_transaction(admin_url_,
                                "DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
  } catch (...) {
    // A leftover relay_test_* database is harmless; a destructor must not throw.
  }
}

}  // namespace relay::testing
