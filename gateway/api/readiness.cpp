// The readiness answer: draining first (no database work needed), then one read of the schema
// version; an unreachable database is logged with its reason class, never its message text.
#include "gateway/api/readiness.hpp"

#include <boost/json.hpp>

#include "adapters/postgres/migration_runner.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/log/log.hpp"

namespace relay::api {
namespace {

int newest_embedded_version() {
  const auto& migrations = pg::embedded_migrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

http::Response status_answer(beast_http::status status, const char* text, unsigned version) {
  return make_response(status, boost::json::serialize(boost::json::object{{"status", text}}),
                       WireFormat::json, version);
}

}  // namespace

Readiness::Readiness(pg::ConnectionPool& pool)
    : health_(pool), needed_schema_version_(newest_embedded_version()) {}

boost::asio::awaitable<http::Response> Readiness::answer(unsigned version) {
  if (draining_)
    co_return status_answer(beast_http::status::service_unavailable, "draining", version);
  int schema = -1;
  try {
    schema = co_await health_.schema_version();
  } catch (const std::exception&) {
    schema = -1;
  }
  if (schema < 0) {
    log::warn("readiness.database_unreachable");
    co_return status_answer(beast_http::status::service_unavailable, "database_unreachable",
                            version);
  }
  if (schema < needed_schema_version_) {
    co_return status_answer(beast_http::status::service_unavailable, "schema_outdated", version);
  }
  co_return status_answer(beast_http::status::ok, "ready", version);
}

}  // namespace relay::api
