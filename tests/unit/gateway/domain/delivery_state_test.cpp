// Unit tests for the delivery state names (they must equal the SQL CHECK values) and the state
// groupings the claim query and the webhook applier rely on.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "gateway/domain/delivery_state.hpp"

using namespace relay::domain;

BOOST_AUTO_TEST_SUITE(delivery_state)

BOOST_AUTO_TEST_CASE(text_matches_the_sql_check_values) {
  // Copied from deliveries.state in schema/0001_init.sql.
  const std::set<std::string> sql = {"draft",      "queued",   "resolving", "uploading",
                                     "sending",    "accepted", "completed", "failed",
                                     "retry_wait", "dead",     "cancelled"};
  std::set<std::string> ours;
  for (const DeliveryState state : all_delivery_states) ours.insert(std::string(to_text(state)));
  BOOST_TEST(ours == sql, boost::test_tools::per_element());
  BOOST_TEST(to_text(DeliveryState::retry_wait) == "retry_wait");
}

BOOST_AUTO_TEST_CASE(parse_inverts_to_text) {
  for (const DeliveryState state : all_delivery_states) {
    const auto parsed = parse_delivery_state(to_text(state));
    BOOST_TEST_REQUIRE(parsed.has_value());
    BOOST_TEST(to_text(*parsed) == to_text(state));
  }
}

BOOST_AUTO_TEST_CASE(parse_rejects_anything_else) {
  BOOST_TEST(!parse_delivery_state(""));
  BOOST_TEST(!parse_delivery_state("Queued"));
  BOOST_TEST(!parse_delivery_state("queued "));
  BOOST_TEST(!parse_delivery_state("retry-wait"));
  BOOST_TEST(!parse_delivery_state("sent"));
}

BOOST_AUTO_TEST_CASE(groupings) {
  using S = DeliveryState;
  const std::set<S> terminal = {S::completed, S::failed, S::cancelled};
  const std::set<S> in_flight = {S::resolving, S::uploading, S::sending};
  const std::set<S> claimable = {S::queued, S::retry_wait};
  for (const S state : all_delivery_states) {
    BOOST_TEST_CONTEXT(to_text(state)) {
      BOOST_TEST(is_terminal(state) == (terminal.count(state) == 1));
      BOOST_TEST(is_in_flight(state) == (in_flight.count(state) == 1));
      BOOST_TEST(is_claimable(state) == (claimable.count(state) == 1));
    }
  }
  BOOST_TEST(!is_terminal(S::dead));  // an operator may still retry it
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(send_status)

BOOST_AUTO_TEST_CASE(round_trips_the_check_constraint_spelling_and_knows_what_is_settled) {
  for (const auto* text : {"pending", "sending", "processing", "completed", "failed"}) {
    const auto status = parse_send_status(text);
    BOOST_REQUIRE(status.has_value());
    BOOST_TEST(to_text(*status) == text);
  }
  BOOST_TEST(!parse_send_status("Pending").has_value());
  BOOST_TEST(!parse_send_status("").has_value());
  BOOST_TEST(!is_settled(SendStatus::pending));
  BOOST_TEST(!is_settled(SendStatus::sending));  // in doubt: looked up, never resent blindly
  BOOST_TEST(is_settled(SendStatus::processing));
  BOOST_TEST(is_settled(SendStatus::completed));
  BOOST_TEST(is_settled(SendStatus::failed));
}

BOOST_AUTO_TEST_SUITE_END()
