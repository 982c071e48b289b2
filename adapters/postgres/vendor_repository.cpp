// SQL for vendor accounts: insert by the CLI, lookups by name and all names (POST /token) and by
// id (token checks). Statements are named constants; the name is the statement's name in metrics.
#include "adapters/postgres/vendor_repository.hpp"

namespace relay::pg {
namespace {

constexpr const char* vendor_insert =
    "INSERT INTO vendors (name, password_hash) VALUES ($1, $2) RETURNING id";

constexpr const char* vendor_find_by_name =
    "SELECT id, name, password_hash, disabled FROM vendors WHERE name = $1";

constexpr const char* vendor_find_by_id =
    "SELECT id, name, password_hash, disabled FROM vendors WHERE id = $1";

constexpr const char* vendor_set_disabled =
    "UPDATE vendors SET disabled = $2 WHERE name = $1 RETURNING id";

constexpr const char* vendor_set_password_hash =
    "UPDATE vendors SET password_hash = $2 WHERE name = $1 RETURNING id";

constexpr const char* vendor_list =
    "SELECT v.id, v.name, v.disabled, (SELECT count(*) FROM messages m WHERE m.vendor_id = v.id) "
    "FROM vendors v ORDER BY v.name";

constexpr const char* vendor_list_names = "SELECT name FROM vendors";

std::optional<std::int64_t> returned_id(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return result[0][0].as<std::int64_t>();
}

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

std::optional<std::int64_t> VendorRepository::set_disabled(pqxx::work& tx, const std::string& name,
                                                           bool disabled) {
  return returned_id(tx.exec_params(vendor_set_disabled, name, disabled));
}

std::optional<std::int64_t> VendorRepository::set_password_hash(pqxx::work& tx,
                                                                const std::string& name,
                                                                const std::string& password_hash) {
  return returned_id(tx.exec_params(vendor_set_password_hash, name, password_hash));
}

std::vector<VendorSummary> VendorRepository::list(pqxx::transaction_base& tx) {
  std::vector<VendorSummary> vendors;
  for (const auto& row : tx.exec(vendor_list)) {
    vendors.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<bool>(),
                       row[3].as<std::int64_t>()});
  }
  return vendors;
}

std::vector<std::string> VendorRepository::list_names(pqxx::transaction_base& tx) {
  std::vector<std::string> names;
  for (const auto& row : tx.exec(vendor_list_names)) names.push_back(row[0].as<std::string>());
  return names;
}

}  // namespace relay::pg
