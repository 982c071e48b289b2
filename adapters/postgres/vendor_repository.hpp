// SQL for vendor accounts: creation and administration by the CLI, lookups for POST /token.
// Passwords arrive already hashed (gateway/auth/password_hash.hpp); none is ever seen in clear.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace relay::pg {

struct VendorCredentials {
  std::int64_t id = 0;
  std::string name;
  std::string password_hash;
  bool disabled = false;
};

struct VendorSummary {
  std::int64_t id = 0;
  std::string name;
  bool disabled = false;
  std::int64_t messages = 0;
};

class VendorRepository {
 public:
  // Returns the new vendor's id; throws pqxx::unique_violation when the name is taken.
  static std::int64_t insert(pqxx::work& tx, const std::string& name,
                             const std::string& password_hash);
  static std::optional<VendorCredentials> find_by_name(pqxx::transaction_base& tx,
                                                       const std::string& name);
  static std::optional<VendorCredentials> find_by_id(pqxx::transaction_base& tx, std::int64_t id);
  // Each returns the vendor's id, or nullopt when no vendor has that name.
  static std::optional<std::int64_t> set_disabled(pqxx::work& tx, const std::string& name,
                                                  bool disabled);
  static std::optional<std::int64_t> set_password_hash(pqxx::work& tx, const std::string& name,
                                                       const std::string& password_hash);
  static std::vector<VendorSummary> list(pqxx::transaction_base& tx);
  // Every vendor's name, enabled or not (POST /token tells existing names from unknown ones).
  static std::vector<std::string> list_names(pqxx::transaction_base& tx);
};

}  // namespace relay::pg
