// failure_reason: an outage (retrying succeeds once the database is back) is named by
// outage_reason; any other SQL error by its SQLSTATE, read from libpqxx's exception types.
#include "adapters/postgres/failure_reason.hpp"

#include <pqxx/pqxx>

#include "adapters/postgres/outage.hpp"

namespace relay::pg {

std::string failure_reason(const std::exception& failure) {
  if (auto outage = outage_reason(failure)) return *outage;
  if (auto sqlstate = sqlstate_of(failure)) return "sqlstate " + *sqlstate;
  return "fault";
}

std::optional<std::string> sqlstate_of(const std::exception& failure) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure)) return sql->sqlstate();
  return std::nullopt;
}

std::optional<std::string> refused_value_sqlstate(const std::exception& failure) {
  if (const auto* refused = dynamic_cast<const pqxx::data_exception*>(&failure)) {
    return refused->sqlstate();
  }
  return std::nullopt;
}

}  // namespace relay::pg
