// Send pacing: an even schedule that may run ahead inside a window whose end the RateLimit headers
// revealed, plus the headers' remaining count; the safety argument is written out below.
#include "gateway/relay/send_pacer.hpp"

#include <algorithm>

namespace relay::engine {

// Why no fixed window of Metriport's ever counts more than L of our sends (L = limit, W = window).
//
// Let d = even_spacing_micros = ceil((W + J) / L) with J = W/100. Every grant at time t sets
// next_even_slot = max(t, next_even_slot) + d, so after k grants at times >= S, next_even_slot >=
// S + k*d (the first gives >= t + d >= S + d; each later one adds at least d). A grant is either
//   (a) on schedule: t >= next_even_slot, or
//   (b) ahead of schedule, only while a window end E' is known from the headers:
//       max(t, next_even_slot) + d <= E' - R, with R = 1 s, the resolution of RateLimit-Reset.
// Assumptions: Metriport counts a send when it arrives; arrival = grant + a latency in
// [l, l + J); RateLimit-Reset is rounded up (ceil) to whole seconds; a send's round trip (grant
// to on_answer) is below d; L is at most the real limit (the first RateLimit-Limit header fixes a
// configured value that is too high).
// Take a Metriport window [A, A + W) and the n grants that arrive in it: they were granted in
// (S, S + W + J) with S = A - l - J. Before the n-th, n-1 of them were granted at times > S, so
// its next_even_slot was >= S + (n-1)*d.
//   (a) on schedule: S + (n-1)*d <= t < S + W + J <= S + L*d, so n - 1 < L.
//   (b) ahead: the header came from a send that arrived at a (before this one) in a
//       window ending at E_h <= A + W, and was read m after arriving; ceil gives
//       E' = a + m + reset < E_h + m + R, so S + n*d <= E' - R < A + W + m. With l + m < d:
//       S + n*d < S + J + W + d <= S + (L+1)*d, so n < L + 1.
// Either way n <= L, whatever the windows' alignment.
// Blocks (reserve_block): the i-th slot of a block is granted as a reservation asked at its own
// time t_i (the state moves exactly as if it had been), and is used in [t_i, t_i + G) with G =
// W/400 (slot_grace_micros): the lateness adds to the latency, so the assumption above becomes
// "latency plus lateness within J"; a slot not used by then is answered as unanswered (counted),
// never used. RateLimit-Remaining and the 429 block only refuse more grants, so they cannot break
// this; they keep the allowance when other clients share the account. A window end estimated too
// early (another rounding) only ends case (b) sooner.

namespace {

std::int64_t next_window_boundary(std::int64_t now, std::int64_t window) {
  const std::int64_t into = ((now % window) + window) % window;
  return now - into + window;
}

void count_answered(PacerState& state) {
  state.in_flight = std::max<std::int64_t>(0, state.in_flight - 1);
}

// An answer without RateLimit-Remaining still counted against the window.
void assume_counted(PacerState& state, std::int64_t now) {
  if (now < state.known_window_end) {
    state.remaining_in_known_window =
        std::max<std::int64_t>(0, state.remaining_in_known_window - 1);
  }
}

}  // namespace

PacerState initial_pacer_state(int sends_per_minute, std::chrono::seconds window) {
  PacerState state;
  state.limit = std::max(1, sends_per_minute);
  state.window_micros = std::max<std::int64_t>(1, window.count()) * 1'000'000;
  return state;
}

std::int64_t even_spacing_micros(const PacerState& state) {
  const std::int64_t window = std::max<std::int64_t>(1, state.window_micros);
  const std::int64_t limit = std::max<std::int64_t>(1, state.limit);
  const std::int64_t span = window + window / jitter_allowance_divisor;
  return std::max<std::int64_t>(1, (span + limit - 1) / limit);
}

Reservation reserve(PacerState& state, std::int64_t now) {
  // Nothing granted for a whole window: any reservation still counted was lost with its process.
  if (now >= state.next_even_slot + state.window_micros && now >= state.known_window_end) {
    state.in_flight = 0;
  }
  if (now < state.blocked_until) return {false, state.blocked_until};

  const std::int64_t spacing = even_spacing_micros(state);
  const bool on_schedule = now >= state.next_even_slot;
  if (now < state.known_window_end) {
    if (state.remaining_in_known_window - state.in_flight <= 0) {
      return {false, std::max(state.known_window_end, state.next_even_slot)};
    }
    const bool ahead_allowed = std::max(now, state.next_even_slot) + spacing <=
                               state.known_window_end - reset_resolution_micros;
    if (!on_schedule && !ahead_allowed) return {false, state.next_even_slot};
  } else if (!on_schedule) {
    return {false, state.next_even_slot};
  }

  ++state.in_flight;
  state.next_even_slot = std::max(now, state.next_even_slot) + spacing;
  return {true, now};
}

std::int64_t slot_grace_micros(const PacerState& state) {
  return std::max<std::int64_t>(1, state.window_micros / (4 * jitter_allowance_divisor));
}

BlockReservation reserve_block(PacerState& state, std::int64_t now, int count,
                               std::int64_t horizon_micros) {
  BlockReservation block;
  std::int64_t at = now;
  // Each round grants a slot or moves `at` forward (or stops), so this ends within 2*count+1.
  while (static_cast<int>(block.slot_times.size()) < count) {
    const Reservation reservation = reserve(state, at);
    if (reservation.granted) {
      block.slot_times.push_back(at);
      continue;
    }
    if (reservation.not_before_micros > at &&
        reservation.not_before_micros <= now + horizon_micros) {
      at = reservation.not_before_micros;
      continue;
    }
    if (block.slot_times.empty()) block.not_before_micros = reservation.not_before_micros;
    break;
  }
  return block;
}

void on_answer(PacerState& state, std::int64_t now, std::optional<std::int64_t> limit,
               std::optional<std::int64_t> remaining, std::optional<std::int64_t> reset_seconds) {
  count_answered(state);
  if (limit && *limit > 0) state.limit = *limit;
  if (!remaining || !reset_seconds) {
    assume_counted(state, now);
    return;
  }
  const std::int64_t reset_micros =
      std::clamp<std::int64_t>(*reset_seconds, 0, max_wait_micros / 1'000'000) * 1'000'000;
  const std::int64_t window_end = now + reset_micros;
  const std::int64_t left = std::max<std::int64_t>(0, *remaining);
  const std::int64_t tolerance = state.window_micros / 2;
  if (window_end > state.known_window_end + tolerance) {  // a newer window
    state.known_window_end = window_end;
    state.remaining_in_known_window = left;
  } else if (window_end >= state.known_window_end - tolerance) {  // the same window
    state.known_window_end = std::min(state.known_window_end, window_end);
    state.remaining_in_known_window = std::min(state.remaining_in_known_window, left);
  }  // else a late answer from an older window: nothing new
}

void on_rate_limited(PacerState& state, std::int64_t now,
                     std::optional<std::int64_t> retry_after_micros) {
  count_answered(state);
  std::int64_t until = 0;
  if (retry_after_micros) {
    until = now + std::clamp<std::int64_t>(*retry_after_micros, 0, max_wait_micros);
  } else if (now < state.known_window_end) {
    until = state.known_window_end;
  } else {
    until = next_window_boundary(now, std::max<std::int64_t>(1, state.window_micros));
  }
  state.blocked_until = std::max(state.blocked_until, until);
  if (now < state.known_window_end) state.remaining_in_known_window = 0;
}

void on_no_answer(PacerState& state, std::int64_t now) {
  count_answered(state);
  assume_counted(state, now);
}

}  // namespace relay::engine
