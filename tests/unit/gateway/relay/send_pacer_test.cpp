// Unit tests for the send pacer: the even schedule, bursts inside a window the headers revealed,
// 429 blocks, and a randomized simulation against a model of Metriport's fixed-window counter.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <random>
#include <tuple>
#include <vector>

#include "gateway/relay/send_pacer.hpp"

using namespace relay::engine;

namespace {

constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t t0 = 1'790'000'000LL * second;  // some epoch time in 2026

}  // namespace

BOOST_AUTO_TEST_SUITE(send_pacer)

BOOST_AUTO_TEST_CASE(initial_state) {
  const PacerState state = initial_pacer_state(20);
  BOOST_TEST(state.limit == 20);
  BOOST_TEST(state.window_micros == 60 * second);
  BOOST_TEST(state.in_flight == 0);
  BOOST_TEST(state.known_window_end == 0);
  BOOST_TEST(initial_pacer_state(0).limit == 1);
  BOOST_TEST(initial_pacer_state(-3).limit == 1);
  BOOST_TEST(initial_pacer_state(5, std::chrono::seconds(2)).window_micros == 2 * second);
}

BOOST_AUTO_TEST_CASE(even_spacing_leaves_one_percent_for_jitter) {
  BOOST_TEST(even_spacing_micros(initial_pacer_state(20)) == 3'030'000);
  BOOST_TEST(even_spacing_micros(initial_pacer_state(7)) == 8'657'143);  // ceil(60.6 s / 7)
  PacerState absurd = initial_pacer_state(1);
  absurd.limit = 1'000'000'000;
  BOOST_TEST(even_spacing_micros(absurd) == 1);
}

BOOST_AUTO_TEST_CASE(unknown_window_spreads_sends_evenly) {
  PacerState state = initial_pacer_state(20);
  const std::int64_t d = even_spacing_micros(state);
  BOOST_TEST(reserve(state, t0).granted);
  const Reservation refused = reserve(state, t0 + 1);
  BOOST_TEST(!refused.granted);
  BOOST_TEST(refused.not_before_micros == t0 + d);
  BOOST_TEST(!reserve(state, t0 + d - 1).granted);
  BOOST_TEST(reserve(state, t0 + d).granted);
  BOOST_TEST(state.in_flight == 2);
  // After a pause the schedule starts from now, not from the past.
  BOOST_TEST(reserve(state, t0 + 100 * second).granted);
  BOOST_TEST(state.next_even_slot == t0 + 100 * second + d);
}

BOOST_AUTO_TEST_CASE(answers_decrement_in_flight_never_below_zero) {
  PacerState state = initial_pacer_state(20);
  BOOST_TEST(reserve(state, t0).granted);
  on_answer(state, t0 + 1, std::nullopt, std::nullopt, std::nullopt);
  BOOST_TEST(state.in_flight == 0);
  on_answer(state, t0 + 2, std::nullopt, std::nullopt, std::nullopt);
  on_no_answer(state, t0 + 3);
  on_rate_limited(state, t0 + 4, 0);
  BOOST_TEST(state.in_flight == 0);
}

BOOST_AUTO_TEST_CASE(known_window_allows_a_burst_up_to_its_end) {
  PacerState state = initial_pacer_state(20);
  const std::int64_t d = even_spacing_micros(state);
  BOOST_TEST(reserve(state, t0).granted);
  on_answer(state, t0 + 100'000, 20, 19, 60);  // the window ends at t0 + 60.1 s at the latest
  BOOST_TEST(state.known_window_end == t0 + 60'100'000);
  BOOST_TEST(state.remaining_in_known_window == 19);
  int burst = 0;
  const std::int64_t now = t0 + 200'000;
  while (reserve(state, now).granted) ++burst;
  // Ahead of schedule while max(now, next_even_slot) + d <= end - 1 s: next_even_slot starts at
  // t0 + d and each grant adds d, so k grants need t0 + (k + 1) * d <= t0 + 59.1 s.
  BOOST_TEST(burst == static_cast<int>(59'100'000 / d) - 1);
  BOOST_TEST(burst == 18);
  const Reservation refused = reserve(state, now);
  BOOST_TEST(!refused.granted);
  BOOST_TEST(refused.not_before_micros == state.next_even_slot);
}

BOOST_AUTO_TEST_CASE(known_window_remaining_counts_sends_in_flight) {
  PacerState state = initial_pacer_state(20);
  BOOST_TEST(reserve(state, t0).granted);
  on_answer(state, t0 + 10'000, 20, 2, 50);  // another client used most of the window
  const std::int64_t now = t0 + 20'000;
  BOOST_TEST(reserve(state, now).granted);
  BOOST_TEST(reserve(state, now).granted);
  const Reservation refused = reserve(state, now);
  BOOST_TEST(!refused.granted);
  BOOST_TEST(refused.not_before_micros == state.known_window_end);
  // One answer says one is left; the other send is still in flight: nothing more this window.
  on_answer(state, now + 50'000, 20, 1, 50);
  BOOST_TEST(!reserve(state, now + 60'000).granted);
  // After the window end the even schedule takes over again.
  BOOST_TEST(reserve(state, state.known_window_end).granted);
}

BOOST_AUTO_TEST_CASE(answers_without_headers_are_assumed_counted) {
  PacerState state = initial_pacer_state(20);
  BOOST_TEST(reserve(state, t0).granted);
  on_answer(state, t0 + 10'000, 20, 5, 50);
  BOOST_TEST(reserve(state, t0 + 20'000).granted);
  on_answer(state, t0 + 30'000, std::nullopt, std::nullopt, std::nullopt);
  BOOST_TEST(state.remaining_in_known_window == 4);
  BOOST_TEST(reserve(state, t0 + 40'000).granted);
  on_no_answer(state, t0 + 50'000);
  BOOST_TEST(state.remaining_in_known_window == 3);
  BOOST_TEST(state.in_flight == 0);
}

BOOST_AUTO_TEST_CASE(header_limit_overrides_the_configuration_but_not_below_one) {
  PacerState state = initial_pacer_state(20);
  on_answer(state, t0, 40, std::nullopt, std::nullopt);
  BOOST_TEST(state.limit == 40);
  BOOST_TEST(even_spacing_micros(state) == 1'515'000);
  on_answer(state, t0, 0, std::nullopt, std::nullopt);
  on_answer(state, t0, -5, std::nullopt, std::nullopt);
  BOOST_TEST(state.limit == 40);
}

BOOST_AUTO_TEST_CASE(answers_from_the_same_window_keep_the_tighter_figures) {
  PacerState state = initial_pacer_state(20);
  on_answer(state, t0, 20, 10, 30);
  on_answer(state, t0 + 500'000, 20, 12, 30);  // older count answered late; end a bit later
  BOOST_TEST(state.remaining_in_known_window == 10);
  BOOST_TEST(state.known_window_end == t0 + 30 * second);
  on_answer(state, t0 + 600'000, 20, 8, 29);  // end estimated earlier: keep the earlier end
  BOOST_TEST(state.remaining_in_known_window == 8);
  BOOST_TEST(state.known_window_end == t0 + 29'600'000);
}

BOOST_AUTO_TEST_CASE(a_newer_window_replaces_the_figures_and_an_older_one_is_ignored) {
  PacerState state = initial_pacer_state(20);
  on_answer(state, t0, 20, 0, 2);  // end of a window: t0 + 2 s
  on_answer(state, t0 + 2'500'000, 20, 19, 60);
  BOOST_TEST(state.known_window_end == t0 + 62'500'000);
  BOOST_TEST(state.remaining_in_known_window == 19);
  on_answer(state, t0 + 2'600'000, 20, 0, 1);  // a late answer from the previous window
  BOOST_TEST(state.known_window_end == t0 + 62'500'000);
  BOOST_TEST(state.remaining_in_known_window == 19);
}

BOOST_AUTO_TEST_CASE(rate_limited_blocks_for_retry_after) {
  PacerState state = initial_pacer_state(20);
  BOOST_TEST(reserve(state, t0).granted);
  on_rate_limited(state, t0 + 100, 7 * second);
  BOOST_TEST(state.blocked_until == t0 + 100 + 7 * second);
  const Reservation refused = reserve(state, t0 + 5 * second);
  BOOST_TEST(!refused.granted);
  BOOST_TEST(refused.not_before_micros == t0 + 100 + 7 * second);
  BOOST_TEST(reserve(state, t0 + 100 + 7 * second).granted);
}

BOOST_AUTO_TEST_CASE(rate_limited_without_retry_after_waits_for_the_window_end) {
  PacerState known = initial_pacer_state(20);
  on_answer(known, t0, 20, 3, 40);
  on_rate_limited(known, t0 + second, std::nullopt);
  BOOST_TEST(known.blocked_until == t0 + 40 * second);
  BOOST_TEST(known.remaining_in_known_window == 0);

  PacerState unknown = initial_pacer_state(20);
  const std::int64_t minute = 60 * second;
  const std::int64_t now = 29'833'333 * minute + 17 * second;
  on_rate_limited(unknown, now, std::nullopt);
  BOOST_TEST(unknown.blocked_until == 29'833'334 * minute);  // next minute since the epoch
}

BOOST_AUTO_TEST_CASE(retry_after_is_capped_and_blocks_never_shrink) {
  PacerState state = initial_pacer_state(20);
  on_rate_limited(state, t0, 48LL * 3600 * second);
  BOOST_TEST(state.blocked_until == t0 + max_wait_micros);
  on_rate_limited(state, t0 + second, 2 * second);
  BOOST_TEST(state.blocked_until == t0 + max_wait_micros);
}

BOOST_AUTO_TEST_CASE(lost_reservations_are_forgotten_after_an_idle_window) {
  PacerState state = initial_pacer_state(20);
  BOOST_TEST(reserve(state, t0).granted);
  BOOST_TEST(reserve(state, t0 + 4 * second).granted);  // both processes died: never answered
  BOOST_TEST(state.in_flight == 2);
  state.known_window_end = t0 + 90 * second;  // a window with one send left
  state.remaining_in_known_window = 1;
  BOOST_TEST(!reserve(state, t0 + 50 * second).granted);  // 1 left - 2 in flight
  // At t0 + 90 s nothing has been granted for a whole window: the two are forgotten.
  BOOST_TEST(reserve(state, t0 + 90 * second).granted);
  BOOST_TEST(state.in_flight == 1);
}

// A model of Metriport: fixed windows of `window` aligned at `offset`, counting every send when it
// arrives (rejected ones too, like the simulator), answering with RateLimit-* headers.
struct FixedWindowServer {
  std::int64_t window = 0, offset = 0, limit = 0;
  std::map<std::int64_t, std::int64_t> counts;
  int rejected = 0;

  std::int64_t index(std::int64_t t) const {
    const std::int64_t shifted = t - offset;
    return shifted >= 0 ? shifted / window : -((-shifted + window - 1) / window);
  }
  // Returns {accepted, remaining, reset seconds}.
  std::tuple<bool, std::int64_t, std::int64_t> hit(std::int64_t t) {
    const std::int64_t i = index(t);
    const std::int64_t used = ++counts[i];
    const std::int64_t end = offset + (i + 1) * window;
    const std::int64_t reset = std::max<std::int64_t>(1, (end - t + second - 1) / second);
    if (used > limit) ++rejected;
    return {used <= limit, std::max<std::int64_t>(0, limit - used), reset};
  }
};

struct SimulationResult {
  int rejected = 0;
  double used_fraction = 0;  // of the allowance over the full windows after the first header
};

// Several workers with an endless backlog share one pacer state (as the gateway processes do).
SimulationResult simulate(std::uint64_t seed, int configured, std::int64_t server_limit,
                          std::int64_t window, int workers, int windows,
                          std::int64_t max_answer_delay, bool headers = true) {
  std::mt19937_64 random(seed);
  const auto uniform = [&random](std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random);
  };
  FixedWindowServer server{window, uniform(0, window - 1), server_limit, {}, 0};
  PacerState state = initial_pacer_state(configured, std::chrono::seconds(window / second));
  const std::int64_t start = t0 + uniform(0, 10 * window);
  const std::int64_t stop = start + windows * window;
  const std::int64_t latency = 20'000;           // request travel time
  const std::int64_t jitter = window / 100 - 1;  // stays under the pacer's allowance

  enum Kind { try_send, answer, no_answer, rate_limited };
  struct Event {
    std::int64_t at;
    std::int64_t seq;
    Kind kind;
    std::int64_t remaining, reset;
    bool operator>(const Event& other) const {
      return std::tie(at, seq) > std::tie(other.at, other.seq);
    }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  std::int64_t seq = 0;
  for (int w = 0; w < workers; ++w)
    events.push({start + uniform(0, second), seq++, try_send, 0, 0});

  std::int64_t first_header_window = -1;
  while (!events.empty()) {
    const Event event = events.top();
    events.pop();
    if (event.at >= stop) break;
    switch (event.kind) {
      case try_send: {
        const Reservation reservation = reserve(state, event.at);
        if (!reservation.granted) {
          BOOST_TEST_REQUIRE(reservation.not_before_micros > event.at);
          events.push({reservation.not_before_micros, seq++, try_send, 0, 0});
          break;
        }
        const std::int64_t arrival = event.at + latency + uniform(0, jitter);
        const auto [accepted, remaining, reset] = server.hit(arrival);
        const std::int64_t back = arrival + uniform(1'000, max_answer_delay);
        if (!accepted) {
          events.push({back, seq++, rate_limited, 0, 0});
        } else if (uniform(0, 99) < 5) {
          events.push({back + uniform(0, 2 * second), seq++, no_answer, 0, 0});  // lost answer
        } else {
          events.push({back, seq++, answer, remaining, reset});
        }
        break;
      }
      case answer:
        if (headers) {
          on_answer(state, event.at, server.limit, event.remaining, event.reset);
        } else {
          on_answer(state, event.at, std::nullopt, std::nullopt, std::nullopt);
        }
        if (first_header_window < 0) first_header_window = server.index(event.at);
        events.push({event.at, seq++, try_send, 0, 0});
        break;
      case no_answer:
        on_no_answer(state, event.at);
        events.push({event.at, seq++, try_send, 0, 0});
        break;
      case rate_limited:
        on_rate_limited(state, event.at, std::nullopt);
        events.push({event.at, seq++, try_send, 0, 0});
        break;
    }
  }
  SimulationResult result;
  result.rejected = server.rejected;
  const std::int64_t first = first_header_window + 1, last = server.index(stop) - 1;
  std::int64_t sent = 0;
  for (std::int64_t i = first; i <= last; ++i) sent += server.counts[i];
  const auto full_windows = static_cast<double>(last - first + 1);
  result.used_fraction =
      static_cast<double>(sent) / (full_windows * static_cast<double>(server.limit));
  BOOST_TEST_REQUIRE(last - first + 1 >= 5);
  return result;
}

BOOST_AUTO_TEST_CASE(simulation_never_exceeds_a_fixed_window_whatever_its_alignment) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const SimulationResult r = simulate(seed, 20, 20, 60 * second, 3, 12, 1'500'000);
      BOOST_TEST(r.rejected == 0);
      BOOST_TEST(r.used_fraction >= 0.9);
    }
  }
}

BOOST_AUTO_TEST_CASE(simulation_with_a_short_window_and_many_workers) {
  for (std::uint64_t seed = 100; seed <= 140; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const SimulationResult r = simulate(seed, 4, 4, 10 * second, 6, 20, 1'000'000);
      BOOST_TEST(r.rejected == 0);
      BOOST_TEST(r.used_fraction >= 0.9);
    }
  }
}

BOOST_AUTO_TEST_CASE(simulation_with_spacing_close_to_the_reset_resolution) {
  // 10 sends per 10 s: the even spacing (1.01 s) is about RateLimit-Reset's one-second rounding.
  for (std::uint64_t seed = 300; seed <= 340; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const SimulationResult r = simulate(seed, 10, 10, 10 * second, 5, 30, 500'000);
      BOOST_TEST(r.rejected == 0);
      BOOST_TEST(r.used_fraction >= 0.9);
    }
  }
}

BOOST_AUTO_TEST_CASE(simulation_without_rate_limit_headers) {
  // Only the even schedule protects the windows here, request latency jitter included.
  for (std::uint64_t seed = 400; seed <= 440; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const SimulationResult r = simulate(seed, 20, 20, 60 * second, 3, 12, 1'500'000, false);
      BOOST_TEST(r.rejected == 0);
      BOOST_TEST(r.used_fraction >= 0.9);
    }
  }
}

BOOST_AUTO_TEST_CASE(simulation_adopts_a_higher_limit_from_the_headers) {
  for (std::uint64_t seed = 200; seed <= 220; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const SimulationResult r = simulate(seed, 10, 20, 60 * second, 4, 10, 1'000'000);
      BOOST_TEST(r.rejected == 0);
      BOOST_TEST(r.used_fraction >= 0.9);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(send_pacer_blocks)

BOOST_AUTO_TEST_CASE(a_block_is_the_schedule_asked_at_each_slots_own_time) {
  PacerState blocked = initial_pacer_state(100'000);  // even spacing 606 us
  PacerState single = blocked;
  const auto block = reserve_block(blocked, t0, 16, 50'000);
  BOOST_TEST(block.slot_times.size() == 16u);
  BOOST_TEST(block.slot_times.front() == t0);
  for (std::size_t i = 0; i < block.slot_times.size(); ++i) {
    // The same state, asked one reservation at a time at those times, grants the same slots.
    BOOST_TEST(reserve(single, block.slot_times[i]).granted);
    if (i > 0) BOOST_TEST(block.slot_times[i] - block.slot_times[i - 1] == 606);
  }
  BOOST_TEST((single == blocked));
  BOOST_TEST(blocked.in_flight == 16);
}

BOOST_AUTO_TEST_CASE(a_block_never_reaches_past_its_horizon) {
  PacerState state = initial_pacer_state(20);  // 3.03 s apart
  const auto block = reserve_block(state, t0, 16, 50'000);
  BOOST_TEST(block.slot_times.size() == 1u);  // the default limit keeps one slot per block
  const auto next = reserve_block(state, t0 + 1'000, 16, 50'000);
  BOOST_TEST(next.slot_times.empty());
  BOOST_TEST(next.not_before_micros == t0 + 3'030'000);
}

BOOST_AUTO_TEST_CASE(a_block_stops_at_a_429_block_and_at_the_windows_remaining) {
  PacerState state = initial_pacer_state(100'000);
  state.blocked_until = t0 + 10 * second;
  const auto refused = reserve_block(state, t0, 8, 50'000);
  BOOST_TEST(refused.slot_times.empty());
  BOOST_TEST(refused.not_before_micros == t0 + 10 * second);

  PacerState windowed = initial_pacer_state(100'000);
  windowed.known_window_end = t0 + 30 * second;
  windowed.remaining_in_known_window = 3;
  const auto block = reserve_block(windowed, t0, 8, 50'000);
  BOOST_TEST(block.slot_times.size() == 3u);
}

BOOST_AUTO_TEST_CASE(blocks_used_within_their_grace_never_exceed_the_limit_in_any_window) {
  // Blocks taken back to back at random moments, each slot sent at a random point of its grace:
  // no fixed window of Metriport's may count more than the limit.
  std::mt19937_64 random(17);
  for (const int limit : {20, 600, 100'000}) {
    PacerState state = initial_pacer_state(limit);
    const std::int64_t window = state.window_micros;
    const std::int64_t grace = slot_grace_micros(state);
    std::vector<std::int64_t> sends;
    std::int64_t now = t0;
    while (now < t0 + 5 * window) {
      const auto block = reserve_block(state, now, 16, 50'000);
      for (const auto at : block.slot_times) {
        sends.push_back(at + static_cast<std::int64_t>(random() % grace));
        on_answer(state, at, std::nullopt, std::nullopt, std::nullopt);
      }
      now = block.slot_times.empty() ? std::max(now + 1, block.not_before_micros)
                                     : block.slot_times.back() + 1;
    }
    std::sort(sends.begin(), sends.end());
    for (std::int64_t offset = 0; offset < window; offset += window / 7) {
      std::map<std::int64_t, int> per_window;
      for (const auto at : sends) ++per_window[(at - t0 + offset) / window];
      for (const auto& [index, count] : per_window) BOOST_TEST(count <= limit);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
