// The schema version as the migration runner records it; a database without schema_migrations
// (never migrated) is version 0, not an error.
#include "adapters/postgres/health_store.hpp"

namespace relay::pg {
namespace {

constexpr const char* schema_version_sql =
    "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 "
    "ELSE (SELECT coalesce(max(version), 0) FROM schema_migrations) END";

}  // namespace

boost::asio::awaitable<int> HealthStore::schema_version() {
  co_return co_await pool_.run([](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return tx.exec1(schema_version_sql)[0].as<int>();
  });
}

}  // namespace relay::pg
