// Role names as stored in operators.role and shown in the API; the order viewer < operator < admin
// is the whole permission model.
#include "gateway/ops/operator_role.hpp"

namespace relay::ops {

std::optional<Role> parse_role(std::string_view text) {
  if (text == "viewer") return Role::viewer;
  if (text == "operator") return Role::operator_role;
  if (text == "admin") return Role::admin;
  return std::nullopt;
}

bool valid_operator_name(std::string_view name) {
  const auto is_alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (name.empty() || name.size() > 100 || !is_alnum(name.front())) return false;
  for (const char c : name) {
    if (!is_alnum(c) && c != '.' && c != '_' && c != '@' && c != '-') return false;
  }
  return true;
}

std::string_view role_name(Role role) {
  switch (role) {
    case Role::viewer:
      return "viewer";
    case Role::operator_role:
      return "operator";
    case Role::admin:
      return "admin";
  }
  return "viewer";
}

}  // namespace relay::ops
