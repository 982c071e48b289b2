// Classifies libpqxx exceptions into outages and faults by type and SQLSTATE (outage.hpp says why
// each one is temporary). Reasons are fixed words and SQLSTATEs: server messages may quote values.
#include "adapters/postgres/outage.hpp"

#include <pqxx/except>

namespace relay::pg {
namespace {

bool is_outage_sqlstate(std::string_view state) {
  return state.starts_with("08") || state == sqlstate_admin_shutdown ||
         state == sqlstate_crash_shutdown || state == sqlstate_cannot_connect_now ||
         state == sqlstate_too_many_connections || state == sqlstate_read_only_transaction;
}

}  // namespace

std::optional<std::string> outage_reason(const std::exception& failure) {
  if (dynamic_cast<const pqxx::broken_connection*>(&failure)) return "connection lost";
  if (dynamic_cast<const pqxx::in_doubt_error*>(&failure)) return "commit in doubt";
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure)) {
    const std::string state = sql->sqlstate();
    if (is_outage_sqlstate(state)) return "sqlstate " + state;
  }
  return std::nullopt;
}

bool needs_new_connection(const std::exception& failure) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure);
  return sql && sql->sqlstate() == sqlstate_read_only_transaction;
}

}  // namespace relay::pg
