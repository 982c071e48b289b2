// Readiness, shared by the vendor and operations listeners: ready while PostgreSQL answers, its
// schema is the one this binary needs, and the process is not draining after SIGTERM.
#pragma once

#include <atomic>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/health_store.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::api {

class Readiness {
 public:
  explicit Readiness(pg::ConnectionPool& pool);

  // From now on /readyz answers 503 (SIGTERM: load balancers stop sending before the listeners
  // stop). Thread-safe.
  void begin_draining() { draining_ = true; }
  bool draining() const { return draining_; }

  // 200 {"status":"ready"}, or 503 {"status":"draining"|"database_unreachable"|"schema_outdated"}.
  boost::asio::awaitable<http::Response> answer(unsigned version);

 private:
  pg::HealthStore health_;
  int needed_schema_version_;
  std::atomic<bool> draining_{false};
};

}  // namespace relay::api
