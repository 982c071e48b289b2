// Replays reserve() on a copy of the pacer state while a block or a known window shapes the grants
// (at most a window's worth of steps), then finishes in closed form on the even schedule.
#include "gateway/relay/drain_estimate.hpp"

#include <algorithm>

namespace relay::engine {
namespace {
// Bounds that keep the arithmetic finite for absurd inputs (a header limit of millions).
constexpr std::int64_t max_pending = 1'000'000'000;
constexpr int max_replayed_steps = 100'000;
}  // namespace

DrainEstimate estimate_drain_detail(std::int64_t pending, const PacerState& state,
                                    std::int64_t now) {
  DrainEstimate estimate;
  estimate.completes_at_micros = now;
  if (pending <= 0) return estimate;
  pending = std::min(pending, max_pending);

  PacerState copy = state;
  std::int64_t t = now;
  std::int64_t last = now;
  // Grants stay in flight in the copy, so each uses up one of the known window's remaining count.
  for (int step = 0; step < max_replayed_steps && pending > 0 &&
                     (t < copy.blocked_until || t < copy.known_window_end);
       ++step) {
    const Reservation reservation = reserve(copy, t);
    if (reservation.granted) {
      --pending;
      last = t;
    } else {
      t = std::max(t + 1, reservation.not_before_micros);
    }
  }
  if (pending > 0) {
    const std::int64_t first = std::max({t, copy.next_even_slot, copy.blocked_until});
    last = first + (pending - 1) * even_spacing_micros(copy);
  }
  estimate.completes_at_micros = last;
  const std::int64_t micros = std::max<std::int64_t>(0, last - now);
  estimate.duration = std::chrono::seconds((micros + 999'999) / 1'000'000);
  return estimate;
}

std::chrono::seconds estimate_drain(std::int64_t pending, const PacerState& state,
                                    std::int64_t now) {
  return estimate_drain_detail(pending, state, now).duration;
}

}  // namespace relay::engine
