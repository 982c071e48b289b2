// Unit tests for build_change: each state-machine action becomes its change field, the guards come
// from the claim, and the audit details are JSON that survives any reason text.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "gateway/relay/delivery_change.hpp"

using namespace relay::engine;

namespace {

ChangeContext claim_context(DeliveryState from, int attempts) {
  ChangeContext context;
  context.delivery_id = 42;
  context.from = from;
  context.attempts = attempts;
  context.lease_token = "host:1:7:42";
  context.lease_length = std::chrono::seconds(300);
  context.actor = "relay:host:1";
  return context;
}

boost::json::object detail_of(const relay::pg::DeliveryChange& change) {
  return boost::json::parse(change.audit_detail_json).as_object();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_change)

BOOST_AUTO_TEST_CASE(an_in_flight_step_renews_the_claims_lease_and_records_nothing_else) {
  const auto context = claim_context(DeliveryState::resolving, 2);
  const auto transition = next(DeliveryState::resolving, DeliveryEvent::patient_resolved, {2, 8});
  const auto change = build_change(transition, context);
  BOOST_TEST(change.delivery_id == 42);
  BOOST_TEST((change.from_state == DeliveryState::resolving));
  BOOST_TEST((change.to_state == DeliveryState::uploading));
  BOOST_TEST(change.lease_holder.value_or("") == "host:1:7:42");
  BOOST_TEST((change.lease == relay::pg::LeaseChange::take_or_extend));
  BOOST_TEST(change.new_lease_holder == "host:1:7:42");
  BOOST_TEST(change.lease_length.count() == 300);
  BOOST_TEST(!change.count_attempt);
  BOOST_TEST(!change.retry_delay.has_value());
  BOOST_TEST(!change.reason.has_value());
  BOOST_TEST(change.audit_event == "delivery.patient_resolved");
  const auto detail = detail_of(change);
  BOOST_TEST(detail.at("from").as_string() == "resolving");
  BOOST_TEST(detail.at("to").as_string() == "uploading");
  BOOST_TEST(detail.at("attempts").as_int64() == 2);
  BOOST_TEST(!detail.contains("reason"));
}

BOOST_AUTO_TEST_CASE(a_counted_failure_releases_counts_schedules_and_explains) {
  auto context = claim_context(DeliveryState::sending, 1);
  context.reason = "send: Metriport answered 503 \"busy\" \\ later";
  context.summary = "send: transient (HTTP 503)";
  context.failure_class = "transient";
  context.retry_delay = std::chrono::microseconds(1'500'000);
  const auto transition = next(DeliveryState::sending, DeliveryEvent::transient_failure, {1, 8});
  const auto change = build_change(transition, context);
  BOOST_TEST((change.to_state == DeliveryState::retry_wait));
  BOOST_TEST(change.lease_holder.value_or("") == "host:1:7:42");
  BOOST_TEST((change.lease == relay::pg::LeaseChange::release));
  BOOST_TEST(change.count_attempt);
  BOOST_TEST(change.retry_delay.value_or(std::chrono::microseconds(0)).count() == 1'500'000);
  BOOST_TEST(change.reason.value_or("").find("503 \"busy\" \\ later") != std::string::npos);
  const auto detail = detail_of(change);
  BOOST_TEST(detail.at("attempts").as_int64() == 2);
  BOOST_TEST(detail.at("reason").as_string().find("transient (HTTP 503)") !=
             boost::json::string::npos);
  BOOST_TEST(detail.at("class").as_string() == "transient");
}

BOOST_AUTO_TEST_CASE(the_last_attempt_ends_dead_with_the_machines_note_first) {
  auto context = claim_context(DeliveryState::sending, 7);
  context.reason = "send: no answer";
  context.summary = "send: transient (no answer)";
  const auto transition = next(DeliveryState::sending, DeliveryEvent::transient_failure, {7, 8});
  const auto change = build_change(transition, context);
  BOOST_TEST((change.to_state == DeliveryState::dead));
  BOOST_TEST(change.reason.value_or("") == "attempts exhausted: send: no answer");
  BOOST_TEST(!change.retry_delay.has_value());
  BOOST_TEST(detail_of(change).at("attempts").as_int64() == 8);
}

BOOST_AUTO_TEST_CASE(an_expired_lease_is_reclaimable_at_once_when_the_caller_says_so) {
  ChangeContext context;
  context.delivery_id = 9;
  context.from = DeliveryState::resolving;
  context.attempts = 0;
  context.actor = "relay:reaper";
  context.reason = "the instance relaying it stopped or stalled";
  context.retry_delay = std::chrono::microseconds(0);
  const auto transition = next(DeliveryState::resolving, DeliveryEvent::lease_expired, {0, 8});
  BOOST_TEST(!transition.actions.schedule_retry);
  const auto change = build_change(transition, context);
  BOOST_TEST((change.to_state == DeliveryState::retry_wait));
  BOOST_TEST(!change.lease_holder.has_value());  // no claim token: no lease guard
  BOOST_TEST(change.retry_delay.has_value());    // next_attempt_at = now, never left NULL
  BOOST_TEST(change.reason.value_or("") ==
             "lease expired: the instance relaying it stopped or stalled");
}

BOOST_AUTO_TEST_CASE(acceptance_stamps_and_releases) {
  const auto context = claim_context(DeliveryState::sending, 0);
  const auto transition = next(DeliveryState::sending, DeliveryEvent::send_accepted, {0, 8});
  const auto change = build_change(transition, context);
  BOOST_TEST((change.to_state == DeliveryState::accepted));
  BOOST_TEST(change.stamp_accepted);
  BOOST_TEST((change.lease == relay::pg::LeaseChange::release));
  BOOST_TEST(change.audit_event == "delivery.accepted");
}

BOOST_AUTO_TEST_CASE(a_sends_details_name_its_part_and_metriport_id_once_known) {
  const auto started = boost::json::parse(send_audit_detail(2, 3, "")).as_object();
  BOOST_TEST(started.at("part").as_int64() == 2);
  BOOST_TEST(started.at("parts").as_int64() == 3);
  BOOST_TEST(!started.contains("metriport_message_id"));
  const auto recorded = boost::json::parse(send_audit_detail(1, 1, "0b6d3f0e-\"x\"")).as_object();
  BOOST_TEST(recorded.at("metriport_message_id").as_string() == "0b6d3f0e-\"x\"");
}

BOOST_AUTO_TEST_SUITE_END()
