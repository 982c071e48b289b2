// PostgreSQL array literals ('{"a","b",NULL}') for passing lists as one text parameter, cast in SQL
// ($1::text[]): libpqxx 6.4 has no array parameters. Every element is quoted, so any text is safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relay::pg {

inline void append_array_element(std::string& out, const std::string& element) {
  out += '"';
  for (char c : element) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

inline std::string text_array_literal(const std::vector<std::string>& elements) {
  std::string out = "{";
  for (const auto& element : elements) {
    if (out.size() > 1) out += ',';
    append_array_element(out, element);
  }
  return out + "}";
}

inline std::string text_array_literal(const std::vector<std::optional<std::string>>& elements) {
  std::string out = "{";
  for (const auto& element : elements) {
    if (out.size() > 1) out += ',';
    if (element) {
      append_array_element(out, *element);
    } else {
      out += "NULL";
    }
  }
  return out + "}";
}

inline std::string bigint_array_literal(const std::vector<std::int64_t>& elements) {
  std::string out = "{";
  for (const std::int64_t element : elements) {
    if (out.size() > 1) out += ',';
    out += std::to_string(element);
  }
  return out + "}";
}

inline std::string bool_array_literal(const std::vector<bool>& elements) {
  std::string out = "{";
  for (bool element : elements) {
    if (out.size() > 1) out += ',';
    out += element ? 't' : 'f';
  }
  return out + "}";
}

}  // namespace relay::pg
