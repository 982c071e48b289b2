// Pacing of Metriport sends under the account's per-window limit (20/min by default), as pure
// functions over one plain-integer state row that every gateway process shares through PostgreSQL.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace relay::engine {

// All times are epoch microseconds; every field is a plain integer so the row persists as is.
struct PacerState {
  std::int64_t limit = 20;                     // sends per window (RateLimit-Limit wins)
  std::int64_t window_micros = 60'000'000;     // Metriport's fixed window length
  std::int64_t next_even_slot = 0;             // earliest grant of the even schedule
  std::int64_t known_window_end = 0;           // from RateLimit-Reset; <= now: unknown
  std::int64_t remaining_in_known_window = 0;  // from RateLimit-Remaining
  std::int64_t blocked_until = 0;              // after a 429
  std::int64_t in_flight = 0;                  // granted, not yet answered
  bool operator==(const PacerState&) const = default;
};

struct Reservation {
  bool granted = false;
  std::int64_t not_before_micros = 0;  // when refused: the earliest time worth asking again
};

// Slack for request latency jitter (and clock differences between gateway processes), as a
// fraction of the window: the even spacing is (window + window/100) / limit.
inline constexpr std::int64_t jitter_allowance_divisor = 100;
// RateLimit-Reset counts whole seconds (rounded up): the window may end up to this much earlier.
inline constexpr std::int64_t reset_resolution_micros = 1'000'000;
// A RateLimit-Reset or Retry-After beyond this is treated as this.
inline constexpr std::int64_t max_wait_micros = 3'600'000'000;

PacerState initial_pacer_state(int sends_per_minute,
                               std::chrono::seconds window = std::chrono::seconds(60));

// Distance between two grants of the even schedule: ceil((window + window/100) / limit).
std::int64_t even_spacing_micros(const PacerState& state);

// Asks to send now; a grant counts as in flight until on_answer/on_rate_limited/on_no_answer.
Reservation reserve(PacerState& state, std::int64_t now_micros);

// A slot of a block may be used this long after its time (counted in the jitter allowance).
std::int64_t slot_grace_micros(const PacerState& state);

// Several slots at once (one transaction for a process's next sends): up to `count` reservations,
// each asked at the time the schedule grants it (now, the next even slot, ...), none later than
// now + horizon. The state moves exactly as if those reservations had been asked at those times.
// Empty slot_times: refused, not_before_micros says when to ask again.
struct BlockReservation {
  std::vector<std::int64_t> slot_times;  // ascending; each slot is used in [time, time + grace)
  std::int64_t not_before_micros = 0;
};
BlockReservation reserve_block(PacerState& state, std::int64_t now_micros, int count,
                               std::int64_t horizon_micros);

// A send was answered (any status except 429), with the RateLimit-* headers when present.
void on_answer(PacerState& state, std::int64_t now_micros, std::optional<std::int64_t> limit,
               std::optional<std::int64_t> remaining, std::optional<std::int64_t> reset_seconds);

// A send was answered 429: block until now + Retry-After, or else the end of the known window, or
// else the next multiple of the window since the epoch.
void on_rate_limited(PacerState& state, std::int64_t now_micros,
                     std::optional<std::int64_t> retry_after_micros);

// A granted send ended without an answer (timeout, dropped connection) or was never sent; it is
// assumed to have counted against the window.
void on_no_answer(PacerState& state, std::int64_t now_micros);

}  // namespace relay::engine
