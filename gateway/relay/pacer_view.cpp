// The pacer view replays reserve() on a copy of the stored state (so "next free slot" is exactly
// the relay's rule) and reuses the drain estimate of `relay-gateway queue`.
#include "gateway/relay/pacer_view.hpp"

#include <algorithm>

namespace relay::engine {

PacerView describe_pacer(const PacerFacts& facts, std::int64_t now) {
  PacerState state = facts.stored.value_or(facts.configured);
  if (state.window_micros != facts.configured.window_micros) state = facts.configured;
  state.in_flight = std::max<std::int64_t>(0, facts.live_grants);

  PacerView view;
  view.limit = state.limit;
  view.window_micros = state.window_micros;
  view.in_flight = state.in_flight;
  view.pending_sends = std::max<std::int64_t>(0, facts.pending_sends);
  if (now < state.known_window_end) {
    view.used_source = UsageSource::metriport_headers;
    view.used_this_window =
        std::clamp<std::int64_t>(state.limit - state.remaining_in_known_window, 0, state.limit);
    view.window_ends_at_micros = state.known_window_end;
  } else {
    view.used_this_window = std::max<std::int64_t>(0, facts.sends_started_last_window);
  }
  if (now < state.blocked_until) view.blocked_until_micros = state.blocked_until;

  PacerState trial = state;
  const Reservation reservation = reserve(trial, now);
  view.next_free_slot_micros = reservation.granted ? now : reservation.not_before_micros;
  view.drain = estimate_drain_detail(view.pending_sends, state, now);
  return view;
}

}  // namespace relay::engine
