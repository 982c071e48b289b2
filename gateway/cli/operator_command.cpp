// relay-gateway operator add|disable|enable|reset-password|list: operator accounts for the
// operations listener. Passwords are generated, printed once, stored only as PBKDF2 hashes.
#include <iostream>

#include "adapters/postgres/operator_store.hpp"
#include "gateway/auth/password_hash.hpp"
#include "gateway/cli/cli.hpp"
#include "gateway/cli/run_sync.hpp"
#include "gateway/log/log.hpp"
#include "gateway/ops/operator_role.hpp"

namespace relay::cli {
namespace {

constexpr const char* cli_actor = "cli";

void print_password(const std::string& password) {
  std::cout << "password: " << password << "\n";
  std::cout << "(shown once: give it to the operator through your secret store now)\n";
}

int add(pg::OperatorStore& store, const std::string& name, const std::string& role) {
  const std::string password = auth::generate_password();
  const std::string hash = auth::hash_password(password);
  const auto id = run_sync(store.add(name, role, hash, cli_actor));
  if (!id) {
    std::cerr << "relay-gateway: an operator named '" << name << "' already exists\n";
    return 1;
  }
  log::info("operator.created", {{"operator_id", std::to_string(*id)}, {"role", role}});
  std::cout << "operator '" << name << "' created with id " << *id << " and role " << role << "\n";
  print_password(password);
  return 0;
}

int set_disabled(pg::OperatorStore& store, const std::string& name, bool disabled) {
  const auto id = run_sync(store.set_disabled(name, disabled, cli_actor));
  if (!id) {
    std::cerr << "relay-gateway: no operator named '" << name << "'\n";
    return 1;
  }
  log::info(disabled ? "operator.disabled" : "operator.enabled",
            {{"operator_id", std::to_string(*id)}});
  std::cout << "operator '" << name << "' "
            << (disabled ? "disabled: its sessions ended\n" : "enabled\n");
  return 0;
}

int reset_password(pg::OperatorStore& store, const std::string& name) {
  const std::string password = auth::generate_password();
  const std::string hash = auth::hash_password(password);
  const auto id = run_sync(store.set_password_hash(name, hash, cli_actor));
  if (!id) {
    std::cerr << "relay-gateway: no operator named '" << name << "'\n";
    return 1;
  }
  log::info("operator.password_reset", {{"operator_id", std::to_string(*id)}});
  std::cout << "operator '" << name << "' has a new password (its sessions ended)\n";
  print_password(password);
  return 0;
}

int list(pg::OperatorStore& store) {
  std::cout << "id\tname\trole\tstate\tcreated\n";
  for (const auto& entry : run_sync(store.list())) {
    std::cout << entry.id << '\t' << entry.name << '\t' << entry.role << '\t'
              << (entry.disabled ? "disabled" : "active") << '\t' << entry.created_at << '\n';
  }
  return 0;
}

}  // namespace

int operator_command(const config::Config& config, const std::vector<std::string>& words) {
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  const std::string action = words.size() > 1 ? words[1] : "";
  pg::ConnectionPool pool(config.database.url, 1);
  pg::OperatorStore store(pool);
  if (action == "list" && words.size() == 2) return list(store);

  std::string role;
  if (action == "add") {
    if (words.size() != 5 || words[3] != "--role") return -1;
    role = words[4];
    if (!ops::parse_role(role)) {
      std::cerr << "relay-gateway: --role must be viewer, operator or admin\n";
      return 2;
    }
  } else if (words.size() != 3) {
    return -1;
  }
  const std::string& name = words[2];
  if (!ops::valid_operator_name(name)) {
    std::cerr << "relay-gateway: operator names are 1 to 100 characters: letters, digits, '.', "
                 "'_', '@', '-'\n";
    return 2;
  }
  if (action == "add") return add(store, name, role);
  if (action == "disable") return set_disabled(store, name, true);
  if (action == "enable") return set_disabled(store, name, false);
  if (action == "reset-password") return reset_password(store, name);
  return -1;
}

}  // namespace relay::cli
