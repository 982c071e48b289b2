// HTTP status classes as metric label values ("2xx" ... "5xx"): a bounded label where the status
// itself would do, and the index each class has in the arrays of metric pointers.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace relay::metrics {

// 1xx..5xx, then "no_answer" for a call that got none (status 0) or a status out of range.
inline constexpr std::size_t status_class_count = 6;
inline constexpr std::array<std::string_view, status_class_count> status_class_names{
    "1xx", "2xx", "3xx", "4xx", "5xx", "no_answer"};

constexpr std::size_t status_class_index(int status) {
  if (status < 100 || status > 599) return status_class_count - 1;
  return static_cast<std::size_t>(status / 100 - 1);
}

}  // namespace relay::metrics
