// Joins string pieces with one allocation. Used instead of "literal" + std::string chains, which
// also trip GCC 12's false -Wrestrict warning under -O2.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace relay::metriport {

inline std::string concat(std::initializer_list<std::string_view> pieces) {
  std::size_t size = 0;
  for (auto piece : pieces) size += piece.size();
  std::string out;
  out.reserve(size);
  for (auto piece : pieces) out.append(piece);
  return out;
}

}  // namespace relay::metriport
