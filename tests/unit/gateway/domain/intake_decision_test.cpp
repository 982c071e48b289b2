// Unit tests for the idempotency rules: every combination of stored state and re-posted content.
// These rules decide whether a vendor's retry can ever send a message twice, so all are covered.
#include <boost/test/unit_test.hpp>

#include "gateway/domain/intake_decision.hpp"

using namespace relay::domain;

BOOST_AUTO_TEST_SUITE(intake_decision)

BOOST_AUTO_TEST_CASE(first_post_creates) {
  BOOST_TEST((decide_intake(std::nullopt, "h1") == IntakeAction::create));
}

BOOST_AUTO_TEST_CASE(identical_repost_is_unchanged_for_draft_and_sent) {
  BOOST_TEST((decide_intake(StoredVersion{RequestedStatus::draft, "h1"}, "h1") ==
              IntakeAction::unchanged));
  BOOST_TEST(
      (decide_intake(StoredVersion{RequestedStatus::sent, "h1"}, "h1") == IntakeAction::unchanged));
}

BOOST_AUTO_TEST_CASE(changed_draft_is_updated_or_promoted) {
  BOOST_TEST((decide_intake(StoredVersion{RequestedStatus::draft, "h1"}, "h2") ==
              IntakeAction::update_draft));
}

BOOST_AUTO_TEST_CASE(changed_content_after_queueing_conflicts) {
  BOOST_TEST(
      (decide_intake(StoredVersion{RequestedStatus::sent, "h1"}, "h2") == IntakeAction::conflict));
}

BOOST_AUTO_TEST_CASE(audit_event_names_say_what_happened) {
  BOOST_TEST(std::string(audit_event_for(IntakeAction::create, RequestedStatus::sent)) ==
             "message.queued");
  BOOST_TEST(std::string(audit_event_for(IntakeAction::create, RequestedStatus::draft)) ==
             "message.drafted");
  BOOST_TEST(std::string(audit_event_for(IntakeAction::update_draft, RequestedStatus::sent)) ==
             "message.draft_promoted");
  BOOST_TEST(std::string(audit_event_for(IntakeAction::update_draft, RequestedStatus::draft)) ==
             "message.draft_updated");
}

BOOST_AUTO_TEST_SUITE_END()
