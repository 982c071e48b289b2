// The roles of operators and what each may do: viewer reads (never PHI), operator also acts on
// deliveries and pauses, admin also manages operators and may reveal PHI (audited); account names.
#pragma once

#include <optional>
#include <string_view>

namespace relay::ops {

enum class Role { viewer = 0, operator_role = 1, admin = 2 };

// "viewer" | "operator" | "admin"; nullopt for anything else.
std::optional<Role> parse_role(std::string_view text);
std::string_view role_name(Role role);

// Operator names: 1 to 100 characters, letters, digits, '.', '_', '@', '-', not starting with a
// punctuation mark (the CLI and the admin API share the rule).
bool valid_operator_name(std::string_view name);

// True when `held` includes everything `needed` allows (roles are ordered).
inline bool role_allows(Role held, Role needed) {
  return static_cast<int>(held) >= static_cast<int>(needed);
}

}  // namespace relay::ops
