// SQL constants run as prepared statements: parsed and planned once per connection (libpqxx keeps
// the definition and prepares it on first use), not at every call as exec_params does.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>

#include <pqxx/pqxx>

namespace relay::pg {

// The statement's name is the constant's address: one name per SQL constant of the program, the
// same definition whenever it is used, so re-declaring it on a connection is a lookup.
inline std::string prepared_name(const char* sql) {
  char name[2 + 2 * sizeof(void*) + 1];
  std::snprintf(name, sizeof name, "s_%llx",
                static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(sql)));
  return name;
}

template <class... Args>
pqxx::result exec_prepared(pqxx::transaction_base& tx, const char* sql, Args&&... args) {
  const std::string name = prepared_name(sql);
  tx.conn().prepare(name, sql);
  return tx.exec_prepared(name, std::forward<Args>(args)...);
}

// Expects no rows (an UPDATE, INSERT or DELETE): affected_rows() tells how many it changed.
template <class... Args>
pqxx::result exec_prepared0(pqxx::transaction_base& tx, const char* sql, Args&&... args) {
  const std::string name = prepared_name(sql);
  tx.conn().prepare(name, sql);
  return tx.exec_prepared0(name, std::forward<Args>(args)...);
}

template <class... Args>
pqxx::row exec_prepared1(pqxx::transaction_base& tx, const char* sql, Args&&... args) {
  const std::string name = prepared_name(sql);
  tx.conn().prepare(name, sql);
  return tx.exec_prepared1(name, std::forward<Args>(args)...);
}

}  // namespace relay::pg
