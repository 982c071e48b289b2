// Adds connect_timeout to a libpq connection string in its own form (a URI query parameter or a
// key=value pair), after asking libpq's own parser whether the string already sets one.
#include "adapters/postgres/connection_string.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

namespace relay::pg {
namespace {

struct ConninfoFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

// nullopt when libpq cannot parse the string.
std::optional<bool> sets_connect_timeout(const std::string& url) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFree> options(PQconninfoParse(url.c_str(), &error));
  if (error != nullptr) PQfreemem(error);
  if (!options) return std::nullopt;
  for (const auto* option = options.get(); option->keyword != nullptr; ++option) {
    if (std::strcmp(option->keyword, "connect_timeout") == 0) {
      return option->val != nullptr && *option->val != '\0';
    }
  }
  return false;
}

bool is_uri(const std::string& url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

}  // namespace

std::string with_default_connect_timeout(const std::string& url, int seconds) {
  const char* from_environment = std::getenv("PGCONNECT_TIMEOUT");
  if (from_environment != nullptr && *from_environment != '\0') return url;
  const auto already_set = sets_connect_timeout(url);
  if (!already_set || *already_set) return url;
  const std::string parameter = "connect_timeout=" + std::to_string(seconds);
  if (is_uri(url)) {
    if (url.ends_with('?') || url.ends_with('&')) return url + parameter;
    return url + (url.find('?') == std::string::npos ? "?" : "&") + parameter;
  }
  return url.empty() ? parameter : url + " " + parameter;
}

}  // namespace relay::pg
