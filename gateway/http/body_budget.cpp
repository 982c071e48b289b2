// The body budget as one atomic counter (compare-and-swap, so concurrent reservations never
// overshoot the capacity) and the upload-time allowance derived from the minimum rate.
#include "gateway/http/body_budget.hpp"

#include <algorithm>

namespace relay::http {

std::chrono::microseconds body_time_allowance(std::chrono::seconds read_timeout,
                                              std::uint64_t bytes,
                                              std::size_t min_bytes_per_second) {
  const std::chrono::microseconds floor = read_timeout;
  if (min_bytes_per_second == 0) return floor;
  // bytes <= body_limit in practice; divide first so huge values cannot overflow.
  const std::uint64_t rate = min_bytes_per_second;
  const std::uint64_t micros = bytes / rate * 1'000'000 + bytes % rate * 1'000'000 / rate;
  return std::max(floor, std::chrono::microseconds(static_cast<std::int64_t>(
                             std::min<std::uint64_t>(micros, INT64_MAX / 2))));
}

bool BodyBudget::try_reserve(std::size_t bytes) {
  std::size_t current = used_.load();
  do {
    if (bytes > capacity_ || current > capacity_ - bytes) return false;
  } while (!used_.compare_exchange_weak(current, current + bytes));
  return true;
}

void BodyBudget::release(std::size_t bytes) {
  if (bytes != 0) used_.fetch_sub(bytes);
}

bool BodyReservation::grow_to(std::size_t total) {
  if (total <= held_) return true;
  if (!budget_.try_reserve(total - held_)) return false;
  held_ = total;
  return true;
}

}  // namespace relay::http
