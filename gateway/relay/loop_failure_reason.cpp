// loop_failure_reason: an outage (the loop retries and succeeds once the database is back) is named
// by pg::outage_reason; any other SQL error by its SQLSTATE.
#include "gateway/relay/loop_failure_reason.hpp"

#include <pqxx/pqxx>

#include "adapters/postgres/outage.hpp"

namespace relay::engine {

std::string loop_failure_reason(const std::exception& failure) {
  if (auto outage = pg::outage_reason(failure)) return *outage;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure)) {
    return "sqlstate " + sql->sqlstate();
  }
  return "fault";
}

}  // namespace relay::engine
