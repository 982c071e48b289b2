// SQL for vendor accounts: creation by the CLI and credential lookup for POST /token.
// Passwords arrive here already hashed (gateway/auth/password_hash.hpp); this file never sees one in clear.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/pqxx>

namespace relay::pg {

struct VendorCredentials {
  std::int64_t id = 0;
  std::string name;
  std::string password_hash;
  bool disabled = false;
};

class VendorRepository {
 public:
  // Returns the new vendor's id; throws pqxx::unique_violation when the name is taken.
  static std::int64_t insert(pqxx::work& tx, const std::string& name,
                             const std::string& password_hash);
  static std::optional<VendorCredentials> find_by_name(pqxx::transaction_base& tx,
                                                       const std::string& name);
  static std::optional<VendorCredentials> find_by_id(pqxx::transaction_base& tx, std::int64_t id);
};

}  // namespace relay::pg
