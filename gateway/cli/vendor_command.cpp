// relay-gateway vendor add NAME: creates a vendor and prints its generated password exactly once.
// Only the salted PBKDF2 hash is stored; a lost password means a new vendor account or a reset.
#include <iostream>
#include <regex>

#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/vendor_repository.hpp"
#include "gateway/auth/password_hash.hpp"
#include "gateway/cli/cli.hpp"
#include "gateway/log/log.hpp"

namespace relay::cli {

int vendor_add_command(const config::Config& config, const std::string& name) {
  static const std::regex allowed_name("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
  if (!std::regex_match(name, allowed_name)) {
    std::cerr << "relay-gateway: vendor names are 1 to 100 characters: letters, digits, '.', '_', "
                 "'@', '-'\n";
    return 2;
  }
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  const std::string password = auth::generate_password();
  const std::string hash = auth::hash_password(password);
  pqxx::connection connection(config.database.url);
  std::int64_t vendor_id = 0;
  try {
    pqxx::work tx(connection);
    vendor_id = pg::VendorRepository::insert(tx, name, hash);
    pg::append_audit_event(tx, {"cli", "vendor", std::to_string(vendor_id), "vendor.created", "{}"});
    tx.commit();
  } catch (const pqxx::unique_violation&) {
    std::cerr << "relay-gateway: a vendor named '" << name << "' already exists\n";
    return 1;
  }
  log::info("vendor.created", {{"vendor_id", std::to_string(vendor_id)}});
  std::cout << "vendor '" << name << "' created with id " << vendor_id << "\n";
  std::cout << "password: " << password << "\n";
  std::cout << "(shown once: store it in the vendor's secret store now)\n";
  return 0;
}

}  // namespace relay::cli
