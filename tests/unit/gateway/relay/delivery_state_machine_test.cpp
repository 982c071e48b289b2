// Unit tests for the delivery state machine: every (state, event) pair against a table written out
// here by hand, the attempt limit at its boundaries, and random walks that never leave a terminal.
#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "gateway/relay/delivery_state_machine.hpp"

using namespace relay::engine;

namespace {

using S = DeliveryState;
using E = DeliveryEvent;

// Actions from a space-separated list of flag names.
Actions flags(const std::string& names) {
  Actions actions;
  std::istringstream in(names);
  for (std::string name; in >> name;) {
    if (name == "take_lease")
      actions.take_lease = true;
    else if (name == "release_lease")
      actions.release_lease = true;
    else if (name == "count_attempt")
      actions.count_attempt = true;
    else if (name == "schedule_retry")
      actions.schedule_retry = true;
    else if (name == "record_reason")
      actions.record_reason = true;
    else if (name == "stamp_accepted")
      actions.stamp_accepted = true;
    else if (name == "stamp_completed")
      actions.stamp_completed = true;
    else if (name == "reset_attempts")
      actions.reset_attempts = true;
    else
      BOOST_FAIL("unknown action " + name);
  }
  return actions;
}

std::string describe(const Actions& a) {
  std::string out;
  const auto add = [&out](bool on, const char* name) {
    if (on) out += std::string(out.empty() ? "" : " ") + name;
  };
  add(a.take_lease, "take_lease");
  add(a.release_lease, "release_lease");
  add(a.count_attempt, "count_attempt");
  add(a.schedule_retry, "schedule_retry");
  add(a.record_reason, "record_reason");
  add(a.stamp_accepted, "stamp_accepted");
  add(a.stamp_completed, "stamp_completed");
  add(a.reset_attempts, "reset_attempts");
  return out;
}

struct Row {
  S to;
  std::string actions;
  std::string audit;
  std::string note;
};
using Table = std::map<std::pair<S, E>, Row>;

const std::string retry = "release_lease count_attempt schedule_retry record_reason";
const std::string exhausted = "release_lease count_attempt record_reason";

// With attempts left (attempts_so_far + 1 < max_attempts). Every pair not listed is refused.
Table table_with_attempts_left() {
  Table t;
  t[{S::draft, E::promoted}] = {S::queued, "", "delivery.queued", ""};
  t[{S::draft, E::operator_cancel}] = {S::cancelled, "", "delivery.cancelled", ""};

  t[{S::queued, E::claimed}] = {S::resolving, "take_lease", "delivery.claimed", ""};
  t[{S::queued, E::operator_cancel}] = {S::cancelled, "", "delivery.cancelled", ""};

  t[{S::retry_wait, E::claimed}] = {S::resolving, "take_lease", "delivery.claimed", ""};
  t[{S::retry_wait, E::operator_cancel}] = {S::cancelled, "", "delivery.cancelled", ""};

  t[{S::resolving, E::patient_resolved}] = {S::uploading, "", "delivery.patient_resolved", ""};
  t[{S::uploading, E::documents_ready}] = {S::sending, "", "delivery.documents_ready", ""};
  t[{S::sending, E::send_accepted}] = {S::accepted, "release_lease stamp_accepted",
                                       "delivery.accepted", ""};
  for (const S s : {S::resolving, S::uploading, S::sending}) {
    t[{s, E::transient_failure}] = {S::retry_wait, retry, "delivery.retry_scheduled", ""};
    t[{s, E::ambiguous_outcome}] = {S::retry_wait, retry, "delivery.send_ambiguous", ""};
    t[{s, E::rate_limited}] = {S::retry_wait, "release_lease schedule_retry",
                               "delivery.rate_limited", ""};
    t[{s, E::permanent_failure}] = {S::dead, "release_lease record_reason", "delivery.dead", ""};
    t[{s, E::lease_expired}] = {S::retry_wait, "release_lease count_attempt record_reason",
                                "delivery.lease_expired", "lease expired"};
    t[{s, E::paused}] = {S::queued, "release_lease", "delivery.paused", ""};
  }

  t[{S::accepted, E::confirmed_completed}] = {S::completed, "stamp_completed", "delivery.completed",
                                              ""};
  t[{S::accepted, E::confirmed_failed}] = {S::failed, "record_reason stamp_completed",
                                           "delivery.failed", ""};

  t[{S::dead, E::operator_retry}] = {S::queued, "reset_attempts", "delivery.requeued", ""};
  t[{S::dead, E::operator_cancel}] = {S::cancelled, "", "delivery.cancelled", ""};
  // completed, failed, cancelled: nothing at all.
  return t;
}

// The last attempt: counted failures of in-flight deliveries go to dead instead.
Table table_on_last_attempt() {
  Table t = table_with_attempts_left();
  for (const S s : {S::resolving, S::uploading, S::sending}) {
    for (const E e : {E::transient_failure, E::ambiguous_outcome, E::lease_expired}) {
      t[{s, e}] = {S::dead, exhausted, "delivery.dead", "attempts exhausted"};
    }
  }
  return t;
}

void check_against(const Table& table, const TransitionContext& context) {
  int allowed = 0;
  for (const S from : all_delivery_states) {
    for (const E event : all_delivery_events) {
      BOOST_TEST_CONTEXT(to_text(from) << " + " << to_text(event)) {
        const Transition got = next(from, event, context);
        const auto row = table.find({from, event});
        if (row == table.end()) {
          BOOST_TEST(!got.allowed);
          BOOST_TEST(to_text(got.to) == to_text(from));
          BOOST_TEST(describe(got.actions) == "");
          BOOST_TEST(got.audit_event == "");
          BOOST_TEST(got.note == "");
          continue;
        }
        ++allowed;
        BOOST_TEST(got.allowed);
        BOOST_TEST(to_text(got.to) == to_text(row->second.to));
        BOOST_TEST(describe(got.actions) == describe(flags(row->second.actions)));
        BOOST_TEST(got.audit_event == row->second.audit);
        BOOST_TEST(got.note == row->second.note);
      }
    }
  }
  BOOST_TEST(allowed == static_cast<int>(table.size()));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_state_machine)

BOOST_AUTO_TEST_CASE(every_pair_with_attempts_left) {
  check_against(table_with_attempts_left(), {0, 8});
  check_against(table_with_attempts_left(), {6, 8});
}

BOOST_AUTO_TEST_CASE(every_pair_on_the_last_attempt) {
  check_against(table_on_last_attempt(), {7, 8});
  check_against(table_on_last_attempt(), {8, 8});  // over the limit already (limit lowered)
  check_against(table_on_last_attempt(), {0, 1});  // one attempt only
  check_against(table_on_last_attempt(), {0, 0});  // nonsense limit: no retries
}

BOOST_AUTO_TEST_CASE(attempt_exhaustion_boundary) {
  BOOST_TEST(!attempts_exhausted({0, 8}));
  BOOST_TEST(!attempts_exhausted({6, 8}));
  BOOST_TEST(attempts_exhausted({7, 8}));
  BOOST_TEST(attempts_exhausted({0, 1}));
  BOOST_TEST(!attempts_exhausted({0, 2}));
  BOOST_TEST(attempts_exhausted({1, 2}));
  // Eight counted failures from a fresh delivery: seven retries, then dead.
  int attempts = 0;
  for (int failure = 1; failure <= 8; ++failure) {
    const Transition t = next(S::sending, E::transient_failure, {attempts, 8});
    BOOST_TEST_REQUIRE(t.allowed);
    BOOST_TEST(t.actions.count_attempt);
    if (t.actions.count_attempt) ++attempts;
    BOOST_TEST(to_text(t.to) == (failure < 8 ? "retry_wait" : "dead"));
  }
  BOOST_TEST(attempts == 8);
}

BOOST_AUTO_TEST_CASE(rate_limits_never_exhaust_attempts) {
  for (const int attempts : {0, 7, 8, 1000}) {
    const Transition t = next(S::sending, E::rate_limited, {attempts, 8});
    BOOST_TEST(t.allowed);
    BOOST_TEST(to_text(t.to) == "retry_wait");
    BOOST_TEST(!t.actions.count_attempt);
  }
}

BOOST_AUTO_TEST_CASE(a_dead_delivery_retried_by_an_operator_starts_over) {
  const Transition dead = next(S::sending, E::transient_failure, {7, 8});
  BOOST_TEST(to_text(dead.to) == "dead");
  const Transition requeued = next(dead.to, E::operator_retry, {8, 8});
  BOOST_TEST(to_text(requeued.to) == "queued");
  BOOST_TEST(requeued.actions.reset_attempts);
  BOOST_TEST(to_text(next(requeued.to, E::claimed, {0, 8}).to) == "resolving");
}

BOOST_AUTO_TEST_CASE(the_happy_path) {
  S state = S::draft;
  for (const E event : {E::promoted, E::claimed, E::patient_resolved, E::documents_ready,
                        E::send_accepted, E::confirmed_completed}) {
    const Transition t = next(state, event, {0, 8});
    BOOST_TEST_REQUIRE(t.allowed);
    state = t.to;
  }
  BOOST_TEST(to_text(state) == "completed");
}

BOOST_AUTO_TEST_CASE(an_expired_lease_then_a_claim) {
  // The engine reclaims an in-flight delivery whose worker died: lease_expired, then claimed.
  const Transition expired = next(S::uploading, E::lease_expired, {2, 8});
  BOOST_TEST(to_text(expired.to) == "retry_wait");
  BOOST_TEST(!expired.actions.schedule_retry);  // reclaimable at once
  const Transition claimed = next(expired.to, E::claimed, {3, 8});
  BOOST_TEST(to_text(claimed.to) == "resolving");
  BOOST_TEST(claimed.actions.take_lease);
  // Claiming the in-flight state directly is refused.
  BOOST_TEST(!next(S::uploading, E::claimed, {2, 8}).allowed);
}

BOOST_AUTO_TEST_CASE(no_sequence_of_events_leaves_a_terminal_state) {
  std::mt19937 random(20261123);
  std::uniform_int_distribution<std::size_t> pick_state(0, all_delivery_states.size() - 1);
  std::uniform_int_distribution<std::size_t> pick_event(0, all_delivery_events.size() - 1);
  std::uniform_int_distribution<int> pick_max(0, 10);
  int reached_terminal = 0;
  for (int walk = 0; walk < 3000; ++walk) {
    S state = all_delivery_states[pick_state(random)];
    int attempts = 0;
    const int max_attempts = pick_max(random);
    bool terminal_seen = false;
    S terminal_state = state;
    for (int step = 0; step < 60; ++step) {
      const E event = all_delivery_events[pick_event(random)];
      const Transition t = next(state, event, {attempts, max_attempts});
      if (!t.allowed) {
        BOOST_TEST_REQUIRE(to_text(t.to) == to_text(state));
        BOOST_TEST_REQUIRE(t.audit_event.empty());
      }
      if (t.actions.count_attempt) ++attempts;
      if (t.actions.reset_attempts) attempts = 0;
      if (terminal_seen) {
        BOOST_TEST_REQUIRE(!t.allowed);
        BOOST_TEST_REQUIRE(to_text(t.to) == to_text(terminal_state));
      }
      state = t.to;
      if (is_terminal(state) && !terminal_seen) {
        terminal_seen = true;
        terminal_state = state;
        ++reached_terminal;
      }
    }
  }
  BOOST_TEST(reached_terminal > 1000);  // the walks do reach terminal states
}

BOOST_AUTO_TEST_CASE(every_terminal_state_is_reachable_from_draft) {
  std::set<S> seen = {S::draft};
  std::vector<S> frontier = {S::draft};
  while (!frontier.empty()) {
    const S state = frontier.back();
    frontier.pop_back();
    for (const E event : all_delivery_events) {
      for (const TransitionContext context : {TransitionContext{0, 8}, TransitionContext{7, 8}}) {
        const Transition t = next(state, event, context);
        if (t.allowed && seen.insert(t.to).second) frontier.push_back(t.to);
      }
    }
  }
  BOOST_TEST(seen.size() == all_delivery_states.size());
}

BOOST_AUTO_TEST_SUITE_END()
