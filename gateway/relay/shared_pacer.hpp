// The send pacer shared by every gateway process: the pure pacer's state lives in one PostgreSQL
// row (relay_pacer), locked for the few microseconds each reservation or answer takes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_records.hpp"
#include "gateway/relay/send_pacer.hpp"

namespace relay::engine {

struct PacerSettings {
  int sends_per_minute = 20;        // METRIPORT_SENDS_PER_MINUTE
  std::chrono::seconds window{60};  // Metriport's fixed window
  // No send can still be open after this (the request timeout plus a margin): older grants a dead
  // process never answered stop counting as in flight.
  std::chrono::seconds stale_in_flight{120};
  std::string account = "metriport";
};

// The pure pacer's state and its stored row, field by field.
PacerState state_from_row(const pg::PacerRow& row);
pg::PacerRow row_from_state(const PacerState& state);

// A granted send slot: answer it exactly once (answered, rate_limited or unanswered).
struct SendSlot {
  bool granted = false;
  std::int64_t not_before_micros = 0;  // when refused: the earliest time worth asking again
  std::int64_t grant_id = 0;
};

class SharedPacer {
 public:
  SharedPacer(pg::ConnectionPool& pool, PacerSettings settings);

  // Takes a send slot when the pacer allows one now; otherwise says when to ask again.
  boost::asio::awaitable<SendSlot> reserve();
  // The send's answer: RateLimit-* headers adapt the pacer (limit, remaining, reset seconds).
  boost::asio::awaitable<void> answered(const SendSlot& slot, std::optional<int> limit,
                                        std::optional<int> remaining,
                                        std::optional<std::int64_t> reset_seconds);
  // A 429: no send until Retry-After (or the window's end when absent).
  boost::asio::awaitable<void> rate_limited(const SendSlot& slot,
                                            std::optional<std::chrono::milliseconds> retry_after);
  // The send got no answer (network failure, ambiguous outcome) or was never made.
  boost::asio::awaitable<void> unanswered(const SendSlot& slot);

 private:
  template <class Change>
  boost::asio::awaitable<void> update(std::int64_t answered_grant, Change change);

  pg::ConnectionPool& pool_;
  PacerSettings settings_;
};

}  // namespace relay::engine
