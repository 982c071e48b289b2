// Unit tests for the operator's view of the pacer: usage from Metriport's headers or from recent
// sends, the next free slot by the relay's own rule, a 429 block, and the drain estimate.
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "gateway/relay/pacer_view.hpp"

using namespace relay::engine;

namespace {
constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t now = 1'790'000'000LL * second;

PacerFacts facts_with(std::optional<PacerState> stored) {
  PacerFacts facts;
  facts.stored = stored;
  facts.configured = initial_pacer_state(20);
  return facts;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(pacer_view)

BOOST_AUTO_TEST_CASE(no_stored_row_is_the_configured_idle_pacer) {
  auto facts = facts_with(std::nullopt);
  facts.sends_started_last_window = 3;
  const PacerView view = describe_pacer(facts, now);
  BOOST_TEST(view.limit == 20);
  BOOST_TEST(view.window_micros == 60 * second);
  BOOST_TEST(view.next_free_slot_micros == now);
  BOOST_TEST(!view.blocked_until_micros.has_value());
  BOOST_TEST((view.used_source == UsageSource::sends_started_last_window));
  BOOST_TEST(view.used_this_window == 3);
  BOOST_TEST(view.drain.duration.count() == 0);
}

BOOST_AUTO_TEST_CASE(a_known_window_reports_metriport_usage) {
  PacerState stored = initial_pacer_state(20);
  stored.known_window_end = now + 30 * second;
  stored.remaining_in_known_window = 5;
  auto facts = facts_with(stored);
  facts.sends_started_last_window = 99;  // ignored: the headers are the truth
  const PacerView view = describe_pacer(facts, now);
  BOOST_TEST((view.used_source == UsageSource::metriport_headers));
  BOOST_TEST(view.used_this_window == 15);
  BOOST_TEST(view.window_ends_at_micros.value_or(0) == now + 30 * second);
}

BOOST_AUTO_TEST_CASE(a_429_block_moves_the_next_slot_and_the_drain) {
  PacerState stored = initial_pacer_state(20);
  stored.blocked_until = now + 10 * second;
  auto facts = facts_with(stored);
  facts.pending_sends = 2;
  const PacerView view = describe_pacer(facts, now);
  BOOST_TEST(view.blocked_until_micros.value_or(0) == now + 10 * second);
  BOOST_TEST(view.next_free_slot_micros == now + 10 * second);
  BOOST_TEST(view.pending_sends == 2);
  // Same figure as `relay-gateway queue` computes from the same state.
  BOOST_TEST(view.drain.completes_at_micros ==
             estimate_drain_detail(2, stored, now).completes_at_micros);
  BOOST_TEST(view.drain.completes_at_micros > now + 10 * second);
}

BOOST_AUTO_TEST_CASE(live_grants_use_up_the_known_remaining_allowance) {
  PacerState stored = initial_pacer_state(20);
  stored.known_window_end = now + 30 * second;
  stored.remaining_in_known_window = 2;
  stored.next_even_slot = now;
  auto facts = facts_with(stored);
  facts.live_grants = 2;
  const PacerView view = describe_pacer(facts, now);
  BOOST_TEST(view.in_flight == 2);
  BOOST_TEST(view.next_free_slot_micros == now + 30 * second);
}

BOOST_AUTO_TEST_CASE(a_changed_window_starts_over_from_the_configuration) {
  PacerState stored = initial_pacer_state(20, std::chrono::seconds(10));
  stored.blocked_until = now + 5 * second;
  const PacerView view = describe_pacer(facts_with(stored), now);
  BOOST_TEST(view.window_micros == 60 * second);
  BOOST_TEST(!view.blocked_until_micros.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
