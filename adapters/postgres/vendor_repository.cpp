// SQL for vendor accounts: insert by the CLI, lookup by name (POST /token) and by id (token
// checks). Statements are named constants; the name is the statement's name in metrics.
#include "adapters/postgres/vendor_repository.hpp"

namespace relay::pg {
namespace {

constexpr const char* vendor_insert =
    "INSERT INTO vendors (name, password_hash) VALUES ($1, $2) RETURNING id";

constexpr const char* vendor_find_by_name =
    "SELECT id, name, password_hash, disabled FROM vendors WHERE name = $1";

constexpr const char* vendor_find_by_id =
    "SELECT id, name, password_hash, disabled FROM vendors WHERE id = $1";

std::optional<VendorCredentials> to_credentials(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  const auto row = result[0];
  VendorCredentials vendor;
  vendor.id = row[0].as<std::int64_t>();
  vendor.name = row[1].as<std::string>();
  vendor.password_hash = row[2].as<std::string>();
  vendor.disabled = row[3].as<bool>();
  return vendor;
}

}  // namespace

std::int64_t VendorRepository::insert(pqxx::work& tx, const std::string& name,
                                      const std::string& password_hash) {
  return tx.exec_params1(vendor_insert, name, password_hash)[0].as<std::int64_t>();
}

std::optional<VendorCredentials> VendorRepository::find_by_name(pqxx::transaction_base& tx,
                                                                const std::string& name) {
  return to_credentials(tx.exec_params(vendor_find_by_name, name));
}

std::optional<VendorCredentials> VendorRepository::find_by_id(pqxx::transaction_base& tx,
                                                              std::int64_t id) {
  return to_credentials(tx.exec_params(vendor_find_by_id, id));
}

}  // namespace relay::pg
