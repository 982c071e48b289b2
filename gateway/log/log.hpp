// Structured logging: one JSON object per line on stderr, with event names, IDs and reasons.
// Never pass PHI (subjects, bodies, names, file contents): only IDs, counts and error reasons.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace relay::log {

enum class Level { debug, info, warn, error };

using Field = std::pair<std::string_view, std::string>;

void write(Level level, std::string_view event, std::initializer_list<Field> fields = {});
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::info, event, fields);
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::warn, event, fields);
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  write(Level::error, event, fields);
}

// Lowest level written; set from GATEWAY_LOG_LEVEL (debug|info|warn|error) at start.
void set_min_level(Level level);

}  // namespace relay::log
