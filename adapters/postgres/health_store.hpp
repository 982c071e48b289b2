// What readiness needs from PostgreSQL: that it answers, and the schema version it holds. Each
// method owns its (read-only) transaction.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"

namespace relay::pg {

class HealthStore {
 public:
  explicit HealthStore(ConnectionPool& pool) : pool_(pool) {}

  // The highest applied migration (0 before the first); throws when the database is unreachable.
  boost::asio::awaitable<int> schema_version();

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
