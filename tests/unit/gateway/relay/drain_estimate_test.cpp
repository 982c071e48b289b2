// Unit tests for the backlog drain estimate: the known window's remaining allowance first, then
// the even schedule, 429 blocks, and absurd inputs that must not overflow.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>

#include "gateway/relay/drain_estimate.hpp"

using namespace relay::engine;
using std::chrono::seconds;

namespace {
constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t now = 1'790'000'000LL * second;
}  // namespace

BOOST_AUTO_TEST_SUITE(drain_estimate)

BOOST_AUTO_TEST_CASE(nothing_pending_drains_now) {
  const PacerState state = initial_pacer_state(20);
  BOOST_TEST(estimate_drain(0, state, now).count() == 0);
  BOOST_TEST(estimate_drain(-4, state, now).count() == 0);
  BOOST_TEST(estimate_drain_detail(0, state, now).completes_at_micros == now);
}

BOOST_AUTO_TEST_CASE(idle_pacer_spreads_evenly_from_now) {
  const PacerState state = initial_pacer_state(20);  // d = 3.03 s
  BOOST_TEST(estimate_drain(1, state, now).count() == 0);
  const DrainEstimate three = estimate_drain_detail(3, state, now);
  BOOST_TEST(three.completes_at_micros == now + 2 * 3'030'000);
  BOOST_TEST(three.duration == seconds(7));  // 6.06 s rounded up
  // 1200 sends at 20 a minute: about an hour.
  BOOST_TEST(estimate_drain(1200, state, now) == seconds(3633));  // 1199 * 3.03 s, rounded up
}

BOOST_AUTO_TEST_CASE(a_busy_schedule_starts_at_the_next_slot) {
  PacerState state = initial_pacer_state(20);
  state.next_even_slot = now + 10 * second;
  BOOST_TEST(estimate_drain_detail(2, state, now).completes_at_micros ==
             now + 10 * second + 3'030'000);
}

BOOST_AUTO_TEST_CASE(known_window_allowance_is_used_first) {
  PacerState state = initial_pacer_state(20);
  state.known_window_end = now + 50 * second;
  state.remaining_in_known_window = 5;
  state.next_even_slot = now;
  BOOST_TEST(estimate_drain(5, state, now).count() == 0);  // all five at once
  // Two more than the allowance: they wait for the window end, then go on the even schedule.
  const DrainEstimate seven = estimate_drain_detail(7, state, now);
  BOOST_TEST(seven.completes_at_micros == now + 50 * second + 3'030'000);
  BOOST_TEST(seven.duration == seconds(54));
}

BOOST_AUTO_TEST_CASE(sends_in_flight_use_up_the_allowance) {
  PacerState state = initial_pacer_state(20);
  state.known_window_end = now + 30 * second;
  state.remaining_in_known_window = 3;
  state.in_flight = 3;
  BOOST_TEST(estimate_drain_detail(1, state, now).completes_at_micros == now + 30 * second);
}

BOOST_AUTO_TEST_CASE(a_block_delays_everything) {
  PacerState state = initial_pacer_state(20);
  state.blocked_until = now + 30 * second;
  BOOST_TEST(estimate_drain(1, state, now) == seconds(30));
  BOOST_TEST(estimate_drain(2, state, now) == seconds(34));  // 33.03 s rounded up
}

BOOST_AUTO_TEST_CASE(the_state_is_not_changed) {
  PacerState state = initial_pacer_state(20);
  state.known_window_end = now + 30 * second;
  state.remaining_in_known_window = 10;
  const PacerState before = state;
  (void)estimate_drain(100, state, now);
  BOOST_TEST((state == before));
}

BOOST_AUTO_TEST_CASE(absurd_inputs_stay_finite) {
  PacerState state = initial_pacer_state(20);
  BOOST_TEST(estimate_drain(std::int64_t{1} << 62, state, now).count() > 0);
  state.limit = 1'000'000'000;  // a header said so
  state.known_window_end = now + 3600 * second;
  state.remaining_in_known_window = 1'000'000'000;
  BOOST_TEST(estimate_drain(2'000'000'000, state, now).count() >= 0);
}

BOOST_AUTO_TEST_SUITE_END()
