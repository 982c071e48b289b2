// Applies the embedded schema migrations under a session advisory lock, one transaction per file,
// recording each in schema_migrations in that same transaction so a file is applied exactly once.
#include "adapters/postgres/migration_runner.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace relay::pg {
namespace {

// Fixed key of the advisory lock that serialises migration runs (ASCII "relaymig").
constexpr long long migration_lock_key = 0x72656c61796d6967LL;

constexpr const char* migration_lock = "SELECT pg_advisory_lock($1)";
constexpr const char* migration_unlock = "SELECT pg_advisory_unlock($1)";

// Keeps "already exists, skipping" notices of the next statement off the CLI's stderr.
constexpr const char* quiet_notices = "SET LOCAL client_min_messages = warning";

constexpr const char* create_schema_migrations = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

constexpr const char* select_schema_migrations = "SELECT version, name FROM schema_migrations";

constexpr const char* insert_schema_migration =
    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

// Holds the advisory lock for its lifetime; unlocking is best effort (a broken connection has lost
// the lock already, since session locks end with the session).
class MigrationLock {
 public:
  explicit MigrationLock(pqxx::connection& connection) : connection_(connection) {
    pqxx::nontransaction tx(connection_);
    tx.exec_params(migration_lock, migration_lock_key);
  }
  ~MigrationLock() {
    try {
      pqxx::nontransaction tx(connection_);
      tx.exec_params(migration_unlock, migration_lock_key);
    } catch (...) {
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  pqxx::connection& connection_;
};

}  // namespace

MigrationReport run_migrations(pqxx::connection& connection,
                               const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  ordered.reserve(migrations.size());
  for (const auto& migration : migrations) ordered.push_back(&migration);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->version == ordered[i - 1]->version) {
      throw std::invalid_argument("two migrations share version " +
                                  std::to_string(ordered[i]->version));
    }
  }

  MigrationLock lock(connection);

  std::map<int, std::string> recorded;
  {
    pqxx::work tx(connection);
    tx.exec0(quiet_notices);
    tx.exec0(create_schema_migrations);
    for (const auto& row : tx.exec(select_schema_migrations)) {
      recorded.emplace(row[0].as<int>(), row[1].as<std::string>());
    }
    tx.commit();
  }

  MigrationReport report;
  for (const Migration* migration : ordered) {
    if (auto found = recorded.find(migration->version); found != recorded.end()) {
      if (found->second != migration->name) {
        throw std::runtime_error("schema_migrations records version " +
                                 std::to_string(migration->version) + " as " + found->second +
                                 ", but this binary has " + migration->name);
      }
      report.already_applied.push_back(migration->name);
      continue;
    }
    pqxx::work tx(connection);
    tx.exec(migration->sql);
    tx.exec_params0(insert_schema_migration, migration->version, migration->name);
    tx.commit();
    report.applied.push_back(migration->name);
  }
  return report;
}

}  // namespace relay::pg
