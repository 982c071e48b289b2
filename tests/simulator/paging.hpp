// Page selection for GET /message: newest first, cursors fromItem (first item of the page) and
// toItem (last item of the page) as in Metriport's pagination v1, count 0..500 (default 50).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::sim {

inline constexpr std::size_t default_page_size = 50;
inline constexpr std::size_t max_page_size = 500;

// Cursors are positions in the store's arrival order (seq), so a page boundary survives items
// that stop matching the filter between two page calls.
struct PageRequest {
  std::optional<std::uint64_t> from_seq;  // page starts at the newest item with seq <= from_seq
  std::optional<std::uint64_t> to_seq;    // page ends at the oldest item with seq >= to_seq
  std::size_t count = default_page_size;
};

// Indices into the newest-first list of matches.
struct Page {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::optional<std::size_t> next_from;  // index of the first item of the next (older) page
  std::optional<std::size_t> prev_to;    // index of the last item of the previous (newer) page
};

// seqs_newest_first must be strictly decreasing.
Page select_page(const std::vector<std::uint64_t>& seqs_newest_first, const PageRequest& request);

// Parses the count query parameter: digits only, 0..500. An error text otherwise.
std::variant<std::size_t, std::string> parse_page_count(std::string_view text);

}  // namespace relay::sim
