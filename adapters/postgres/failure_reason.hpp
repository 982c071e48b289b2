// Database failures in words safe to log: the kind of outage, else the SQLSTATE, else "fault";
// never an exception's text (libpqxx quotes statements, values and connection details in it).
#pragma once

#include <exception>
#include <optional>
#include <string>

namespace relay::pg {

// Why a loop or a pass failed a round: outage_reason(), else "sqlstate <code>", else "fault".
std::string failure_reason(const std::exception& failure);

// The SQLSTATE of an SQL error (nullopt for anything else).
std::optional<std::string> sqlstate_of(const std::exception& failure);

// The SQLSTATE when PostgreSQL refused a value (class 22, data exception: too long, out of range,
// invalid text for the type): input the validators let through, the client's fault.
std::optional<std::string> refused_value_sqlstate(const std::exception& failure);

}  // namespace relay::pg
