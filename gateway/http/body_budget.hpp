// Limits on request bodies across the whole server: a global budget of body bytes held in memory at
// once (reserved before a body is read, released with RAII) and the minimum upload rate.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace relay::http {

struct BodyLimits {
  // Body bytes all connections together may hold; a request whose body does not fit gets 503.
  std::size_t max_inflight_body_bytes = 256 * 1024 * 1024;
  // After the first read_timeout, a body must keep arriving at least this fast on average.
  std::size_t min_body_bytes_per_second = 64 * 1024;
};

// The time a body of `bytes` may take: max(read_timeout, bytes / min_bytes_per_second).
std::chrono::microseconds body_time_allowance(std::chrono::seconds read_timeout,
                                              std::uint64_t bytes,
                                              std::size_t min_bytes_per_second);

// Thread-safe counter of reserved body bytes, bounded by a capacity.
class BodyBudget {
 public:
  explicit BodyBudget(std::size_t capacity) : capacity_(capacity) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  // Reserves bytes if they fit (all or nothing).
  bool try_reserve(std::size_t bytes);
  void release(std::size_t bytes);
  std::size_t used() const { return used_.load(); }
  std::size_t capacity() const { return capacity_; }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> used_{0};
};

// One request's share of the budget; released when destroyed.
class BodyReservation {
 public:
  explicit BodyReservation(BodyBudget& budget) : budget_(budget) {}
  ~BodyReservation() { budget_.release(held_); }
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;

  // Grows the reservation to `total` bytes; false (nothing changed) when the budget lacks room.
  bool grow_to(std::size_t total);
  std::size_t held() const { return held_; }

 private:
  BodyBudget& budget_;
  std::size_t held_ = 0;
};

}  // namespace relay::http
