// Unit tests for RelaySettlementRules: an accepted delivery settles through the state machine into
// completed or failed, Metriport's failure text reaches last_error and never the audit details.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "gateway/relay/settlement_rules.hpp"

using namespace relay::engine;
using relay::domain::DeliveryState;

namespace {

relay::pg::SettlementFacts facts_for(bool failed) {
  relay::pg::SettlementFacts facts;
  facts.delivery_id = 7;
  facts.attempts = 1;
  facts.failed = failed;
  if (failed) facts.failure_reason = "recipient \"mailbox\" full";
  facts.actor = "metriport:webhook";
  return facts;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(settlement_rules)

BOOST_AUTO_TEST_CASE(every_send_completed_completes_the_delivery_unguarded_by_a_lease) {
  const RelaySettlementRules rules(8);
  const auto change = rules.settlement(facts_for(false));
  BOOST_REQUIRE(change.has_value());
  BOOST_TEST(change->delivery_id == 7);
  BOOST_TEST((change->from_state == DeliveryState::accepted));
  BOOST_TEST((change->to_state == DeliveryState::completed));
  BOOST_TEST(!change->lease_holder.has_value());  // webhooks hold no claim
  BOOST_TEST(change->stamp_completed);
  BOOST_TEST(!change->reason.has_value());
  BOOST_TEST(change->actor == "metriport:webhook");
}

BOOST_AUTO_TEST_CASE(a_failed_send_fails_the_delivery_with_metriports_reason_as_last_error_only) {
  const RelaySettlementRules rules(8);
  const auto change = rules.settlement(facts_for(true));
  BOOST_REQUIRE(change.has_value());
  BOOST_TEST((change->to_state == DeliveryState::failed));
  BOOST_TEST(change->reason.value_or("").find("recipient \"mailbox\" full") != std::string::npos);
  const auto detail = boost::json::parse(change->audit_detail_json).as_object();
  BOOST_TEST(detail.at("from").as_string() == "accepted");
  BOOST_TEST(detail.at("to").as_string() == "failed");
  BOOST_TEST(!detail.contains("reason"));
  BOOST_TEST(change->audit_detail_json.find("mailbox") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(send_audit_details_name_the_part_and_the_metriport_id) {
  const RelaySettlementRules rules(8);
  const auto detail =
      boost::json::parse(rules.send_audit_detail(2, 3, "0f8fad5b-d9cb-469f-a165-70867728950e"))
          .as_object();
  BOOST_TEST(detail.at("part").as_int64() == 2);
  BOOST_TEST(detail.at("parts").as_int64() == 3);
  BOOST_TEST(detail.at("metriport_message_id").as_string() ==
             "0f8fad5b-d9cb-469f-a165-70867728950e");
}

BOOST_AUTO_TEST_SUITE_END()
