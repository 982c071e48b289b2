// relay-gateway vendor add|disable|enable|reset-password|list: vendor administration for operators.
// Passwords are generated, printed exactly once, and stored only as salted PBKDF2 hashes.
#include <iostream>
#include <regex>

#include "adapters/postgres/connection_string.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/vendor_repository.hpp"
#include "gateway/auth/password_hash.hpp"
#include "gateway/cli/cli.hpp"
#include "gateway/log/log.hpp"

namespace relay::cli {
namespace {

bool valid_vendor_name(const std::string& name) {
  static const std::regex allowed_name("[A-Za-z0-9][A-Za-z0-9._@-]{0,99}");
  return std::regex_match(name, allowed_name);
}

void audit(pqxx::work& tx, std::int64_t vendor_id, const char* event) {
  pg::append_audit_event(tx, {"cli", "vendor", std::to_string(vendor_id), event, "{}"});
}

void print_password(const std::string& password) {
  std::cout << "password: " << password << "\n";
  std::cout << "(shown once: store it in the vendor's secret store now)\n";
}

int add(pqxx::connection& connection, const std::string& name) {
  const std::string password = auth::generate_password();
  const std::string hash = auth::hash_password(password);
  std::int64_t vendor_id = 0;
  try {
    pqxx::work tx(connection);
    vendor_id = pg::VendorRepository::insert(tx, name, hash);
    audit(tx, vendor_id, "vendor.created");
    tx.commit();
  } catch (const pqxx::unique_violation&) {
    std::cerr << "relay-gateway: a vendor named '" << name << "' already exists\n";
    return 1;
  }
  log::info("vendor.created", {{"vendor_id", std::to_string(vendor_id)}});
  std::cout << "vendor '" << name << "' created with id " << vendor_id << "\n";
  print_password(password);
  return 0;
}

int set_disabled(pqxx::connection& connection, const std::string& name, bool disabled) {
  pqxx::work tx(connection);
  const auto vendor_id = pg::VendorRepository::set_disabled(tx, name, disabled);
  if (!vendor_id) {
    std::cerr << "relay-gateway: no vendor named '" << name << "'\n";
    return 1;
  }
  const char* event = disabled ? "vendor.disabled" : "vendor.enabled";
  audit(tx, *vendor_id, event);
  tx.commit();
  log::info(event, {{"vendor_id", std::to_string(*vendor_id)}});
  std::cout << "vendor '" << name << "' " << (disabled ? "disabled" : "enabled")
            << (disabled ? ": its tokens are refused within 30 seconds\n" : "\n");
  return 0;
}

int reset_password(pqxx::connection& connection, const std::string& name) {
  const std::string password = auth::generate_password();
  pqxx::work tx(connection);
  const auto vendor_id =
      pg::VendorRepository::set_password_hash(tx, name, auth::hash_password(password));
  if (!vendor_id) {
    std::cerr << "relay-gateway: no vendor named '" << name << "'\n";
    return 1;
  }
  audit(tx, *vendor_id, "vendor.password_reset");
  tx.commit();
  log::info("vendor.password_reset", {{"vendor_id", std::to_string(*vendor_id)}});
  std::cout << "vendor '" << name << "' has a new password\n";
  print_password(password);
  return 0;
}

int list(pqxx::connection& connection) {
  pqxx::read_transaction tx(connection);
  std::cout << "id\tname\tstate\tmessages\n";
  for (const auto& vendor : pg::VendorRepository::list(tx)) {
    std::cout << vendor.id << '\t' << vendor.name << '\t'
              << (vendor.disabled ? "disabled" : "active") << '\t' << vendor.messages << '\n';
  }
  return 0;
}

}  // namespace

int vendor_command(const config::Config& config, const std::vector<std::string>& words) {
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  const std::string action = words.size() > 1 ? words[1] : "";
  if (action == "list" && words.size() == 2) {
    pqxx::connection connection(pg::with_default_connect_timeout(config.database.url));
    return list(connection);
  }
  if (words.size() != 3) return -1;
  const std::string& name = words[2];
  if (!valid_vendor_name(name)) {
    std::cerr << "relay-gateway: vendor names are 1 to 100 characters: letters, digits, '.', '_', "
                 "'@', '-'\n";
    return 2;
  }
  pqxx::connection connection(pg::with_default_connect_timeout(config.database.url));
  if (action == "add") return add(connection, name);
  if (action == "disable") return set_disabled(connection, name, true);
  if (action == "enable") return set_disabled(connection, name, false);
  if (action == "reset-password") return reset_password(connection, name);
  return -1;
}

}  // namespace relay::cli
