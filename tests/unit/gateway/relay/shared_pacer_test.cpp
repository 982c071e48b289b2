// Unit tests for the answers the shared pacer collects: applied in order, each at the time it
// came, so storing them later never stretches a window Metriport's headers revealed.
#include <boost/test/unit_test.hpp>

#include "gateway/relay/shared_pacer.hpp"

using namespace relay::engine;

namespace {

constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t t0 = 1'790'000'000LL * second;

PacerAnswer answered_at(std::int64_t at, std::int64_t remaining, std::int64_t reset_seconds) {
  PacerAnswer answer;
  answer.kind = PacerAnswer::Kind::answered;
  answer.at_micros = at;
  answer.limit = 100;
  answer.remaining = remaining;
  answer.reset_seconds = reset_seconds;
  return answer;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shared_pacer_answers)

BOOST_AUTO_TEST_CASE(a_window_end_is_measured_from_the_answer_not_from_the_store) {
  PacerState state = initial_pacer_state(100);
  state.in_flight = 1;
  apply_answers(state, {answered_at(t0, 40, 10)});
  BOOST_TEST(state.known_window_end == t0 + 10 * second);
  BOOST_TEST(state.remaining_in_known_window == 40);
  BOOST_TEST(state.in_flight == 0);
}

BOOST_AUTO_TEST_CASE(answers_apply_in_order_and_each_counts_once) {
  PacerState state = initial_pacer_state(100);
  state.in_flight = 3;
  PacerAnswer lost;
  lost.kind = PacerAnswer::Kind::unanswered;
  lost.at_micros = t0 + 2 * second;
  apply_answers(state, {answered_at(t0, 40, 10), answered_at(t0 + second, 38, 9), lost});
  BOOST_TEST(state.in_flight == 0);
  BOOST_TEST(state.known_window_end == t0 + 10 * second);
  BOOST_TEST(state.remaining_in_known_window == 37);  // 38, then the unanswered send assumed
}

BOOST_AUTO_TEST_CASE(a_429_blocks_from_its_own_time) {
  PacerState state = initial_pacer_state(100);
  state.in_flight = 1;
  PacerAnswer limited;
  limited.kind = PacerAnswer::Kind::rate_limited;
  limited.at_micros = t0;
  limited.retry_after_micros = 5 * second;
  apply_answers(state, {limited});
  BOOST_TEST(state.blocked_until == t0 + 5 * second);
  BOOST_TEST(!reserve(state, t0 + 4 * second).granted);
  BOOST_TEST(reserve(state, t0 + 5 * second).granted);
}

BOOST_AUTO_TEST_SUITE_END()
