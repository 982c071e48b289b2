// select_page and parse_page_count: pure index arithmetic, no store access, so the list endpoint's
// paging is unit-tested on plain vectors.
#include "tests/simulator/paging.hpp"

#include <algorithm>

namespace relay::sim {

Page select_page(const std::vector<std::uint64_t>& seqs, const PageRequest& request) {
  Page page;
  const std::size_t n = seqs.size();
  if (request.to_seq) {
    // The page ends after the last (oldest) item with seq >= to_seq.
    std::size_t end = 0;
    while (end < n && seqs[end] >= *request.to_seq) ++end;
    page.end = end;
    page.begin = end - std::min(end, request.count);
  } else {
    std::size_t begin = 0;
    if (request.from_seq) {
      while (begin < n && seqs[begin] > *request.from_seq) ++begin;
    }
    page.begin = begin;
    page.end = std::min(n, begin + request.count);
  }
  if (page.end < n && page.end > page.begin) page.next_from = page.end;
  if (page.begin > 0) page.prev_to = page.begin - 1;
  return page;
}

std::variant<std::size_t, std::string> parse_page_count(std::string_view text) {
  if (text.empty() || text.size() > 6 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::string("count: Expected number, received string");
  }
  const std::size_t value = std::stoul(std::string(text));
  if (value > max_page_size) {
    return "count: Count has to be less than or equal to " + std::to_string(max_page_size);
  }
  return value;
}

}  // namespace relay::sim
