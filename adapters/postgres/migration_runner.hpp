// Applies the numbered SQL files of schema/ (embedded in the binary at build time) in order.
// Each file runs in its own transaction and is recorded in schema_migrations; a re-run is a no-op.
#pragma once

#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace relay::pg {

struct Migration {
  int version = 0;   // from the file name: 0001_init.sql -> 1
  std::string name;  // the file name
  std::string sql;
};

// The migrations compiled into this binary, ordered by version.
const std::vector<Migration>& embedded_migrations();

struct MigrationReport {
  std::vector<std::string> applied;
  std::vector<std::string> already_applied;
};

// Serialised by an advisory lock, so several gateway processes may run it at once.
MigrationReport run_migrations(pqxx::connection& connection,
                               const std::vector<Migration>& migrations = embedded_migrations());

}  // namespace relay::pg
