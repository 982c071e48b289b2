// Limits on request bodies across a whole server: budgets of body bytes held in memory at once
// (counted as the bytes arrive, per client and per lane, released with RAII) and the minimum rate.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace relay::http {

// Which budget a request's body is reserved from. The reserved lane is a share that requests in
// the shared lane (vendor uploads) cannot take: the webhook receiver's, so a flood of uploads or
// of unsigned senders never makes Metriport's webhooks wait.
enum class BodyLane { shared, reserved };

struct BodyLimits {
  // Body bytes all connections of the shared lane may hold at once; over it a request gets 503.
  std::size_t max_inflight_body_bytes = 256 * 1024 * 1024;
  // What one client (one IPv4 address or IPv6 /64) may hold in the shared lane at once.
  std::size_t max_body_bytes_per_client = 64 * 1024 * 1024;
  // The reserved lane's capacity and one client's share of it.
  std::size_t reserved_lane_bytes = 4 * 1024 * 1024;
  std::size_t reserved_lane_bytes_per_client = 1024 * 1024;
  // A body must arrive at least this fast on average, counted from the end of the grace period: at
  // any moment, received >= rate * (elapsed - grace). A trickle is cut off as soon as it falls
  // behind, whatever length it declared.
  std::size_t min_body_bytes_per_second = 64 * 1024;
  std::chrono::seconds rate_grace{5};
};

// The latest moment a body that has received `received` bytes since `started` may still be
// waiting for its next byte: started + grace + received / min_bytes_per_second (no limit when the
// rate is 0).
std::chrono::steady_clock::time_point body_rate_deadline(
    std::chrono::steady_clock::time_point started, std::chrono::seconds grace,
    std::uint64_t received, std::size_t min_bytes_per_second);

// Thread-safe count of reserved body bytes, bounded overall and per client.
class BodyBudget {
 public:
  BodyBudget(std::size_t capacity, std::size_t per_client_capacity);
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  // Reserves bytes for the client if they fit both bounds (all or nothing).
  bool try_reserve(const std::string& client, std::size_t bytes);
  void release(const std::string& client, std::size_t bytes);
  // Whether try_reserve(client, bytes) would succeed now (reserves nothing).
  bool has_room(const std::string& client, std::size_t bytes) const;
  std::size_t used() const;
  std::size_t used_by(const std::string& client) const;
  std::size_t capacity() const { return capacity_; }

 private:
  bool fits(const std::string& client, std::size_t bytes) const;  // mutex_ held

  const std::size_t capacity_;
  const std::size_t per_client_capacity_;
  mutable std::mutex mutex_;
  std::size_t used_ = 0;
  std::unordered_map<std::string, std::size_t> by_client_;  // only clients holding bytes
};

// One request's share of a budget; released when destroyed.
class BodyReservation {
 public:
  BodyReservation(BodyBudget& budget, std::string client)
      : budget_(budget), client_(std::move(client)) {}
  ~BodyReservation() { budget_.release(client_, held_); }
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;

  // Grows the reservation to `total` bytes; false (nothing changed) when the budget lacks room.
  bool grow_to(std::size_t total);
  // Whether the reservation could grow by `more` bytes now (reserves nothing).
  bool could_grow_by(std::size_t more) const { return budget_.has_room(client_, more); }
  std::size_t held() const { return held_; }

 private:
  BodyBudget& budget_;
  const std::string client_;
  std::size_t held_ = 0;
};

}  // namespace relay::http
