// The body budget as totals under one mutex (overall and per client, so concurrent reservations
// never overshoot either bound) and the running-rate deadline derived from the minimum rate.
#include "gateway/http/body_budget.hpp"

#include <algorithm>
#include <cstdint>

namespace relay::http {

std::chrono::steady_clock::time_point body_rate_deadline(
    std::chrono::steady_clock::time_point started, std::chrono::seconds grace,
    std::uint64_t received, std::size_t min_bytes_per_second) {
  using std::chrono::microseconds;
  if (min_bytes_per_second == 0) return std::chrono::steady_clock::time_point::max();
  // Divide first so large counts cannot overflow; cap far beyond any real body's allowance.
  const std::uint64_t rate = min_bytes_per_second;
  const std::uint64_t micros = std::min<std::uint64_t>(
      received / rate * 1'000'000 + received % rate * 1'000'000 / rate, std::uint64_t{1} << 50);
  return started + grace + microseconds(static_cast<std::int64_t>(micros));
}

BodyBudget::BodyBudget(std::size_t capacity, std::size_t per_client_capacity)
    : capacity_(capacity), per_client_capacity_(per_client_capacity) {}

bool BodyBudget::fits(const std::string& client, std::size_t bytes) const {
  if (bytes > capacity_ || used_ > capacity_ - bytes) return false;
  const auto found = by_client_.find(client);
  const std::size_t held = found == by_client_.end() ? 0 : found->second;
  return bytes <= per_client_capacity_ && held <= per_client_capacity_ - bytes;
}

bool BodyBudget::has_room(const std::string& client, std::size_t bytes) const {
  std::lock_guard lock(mutex_);
  return fits(client, bytes);
}

bool BodyBudget::try_reserve(const std::string& client, std::size_t bytes) {
  if (bytes == 0) return true;
  std::lock_guard lock(mutex_);
  if (!fits(client, bytes)) return false;
  used_ += bytes;
  by_client_[client] += bytes;
  return true;
}

void BodyBudget::release(const std::string& client, std::size_t bytes) {
  if (bytes == 0) return;
  std::lock_guard lock(mutex_);
  used_ -= std::min(used_, bytes);
  const auto found = by_client_.find(client);
  if (found == by_client_.end()) return;
  if (found->second <= bytes) {
    by_client_.erase(found);
  } else {
    found->second -= bytes;
  }
}

std::size_t BodyBudget::used() const {
  std::lock_guard lock(mutex_);
  return used_;
}

std::size_t BodyBudget::used_by(const std::string& client) const {
  std::lock_guard lock(mutex_);
  const auto found = by_client_.find(client);
  return found == by_client_.end() ? 0 : found->second;
}

bool BodyReservation::grow_to(std::size_t total) {
  if (total <= held_) return true;
  if (!budget_.try_reserve(client_, total - held_)) return false;
  held_ = total;
  return true;
}

}  // namespace relay::http
