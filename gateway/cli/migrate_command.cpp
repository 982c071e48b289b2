// relay-gateway migrate: applies the embedded schema migrations and says which ran.
// Safe to run from several processes at once (the runner takes an advisory lock).
#include <iostream>

#include "adapters/postgres/connection_string.hpp"
#include "adapters/postgres/migration_runner.hpp"
#include "gateway/cli/cli.hpp"

namespace relay::cli {

int migrate_command(const config::Config& config) {
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  pqxx::connection connection(pg::with_default_connect_timeout(config.database.url));
  const auto report = pg::run_migrations(connection);
  for (const auto& name : report.applied) std::cout << "applied " << name << "\n";
  std::cout << "migrations: " << report.applied.size() << " applied, "
            << report.already_applied.size() << " already applied\n";
  return 0;
}

}  // namespace relay::cli
