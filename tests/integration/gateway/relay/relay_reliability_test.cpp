// Integration tests of exactly-once relaying under failure: 5xx storms and 429s, ambiguous sends,
// a gateway killed with -9 in the middle of a batch, and three gateways sharing one queue.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

// Posts `messages` messages of `patients_each` patients, every delivery's (patient, subject)
// unique.
void post_batch(RelayFixture& relay, const std::string& prefix, int messages, int patients_each) {
  for (int m = 0; m < messages; ++m) {
    TestMessage message;
    message.external_id = prefix + "-" + std::to_string(m);
    message.subject = "Batch " + prefix + " " + std::to_string(m);
    for (int p = 0; p < patients_each; ++p) {
      message.patients.push_back(prefix + "-P" + std::to_string(m) + "-" + std::to_string(p));
    }
    relay.post(message);
  }
}

// Every delivery reached Metriport exactly once, and the gateway recorded exactly those ids.
void check_exactly_once(RelayFixture& relay, std::size_t deliveries) {
  const auto groups = relay.accepted_by_patient_and_subject();
  std::size_t duplicated = 0;
  for (const auto& [key, sends] : groups) duplicated += sends > 1 ? 1 : 0;
  BOOST_TEST(groups.size() == deliveries);
  BOOST_TEST(duplicated == 0u);
  BOOST_TEST(relay.count("SELECT count(DISTINCT metriport_message_id) FROM delivery_sends") ==
             static_cast<std::int64_t>(deliveries));
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE state <> 'accepted'") == 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(relay_reliability)

BOOST_AUTO_TEST_CASE(server_errors_and_429s_delay_but_deliver) {
  RelayFixture relay(
      {R"({"error_rate": 0.4, "rate_429": 0.2, "retry_after_seconds": 0, "seed": 7})", 100000, 60,
       8, 30, 50});
  post_batch(relay, "STORM", 20, 2);
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 40, 60s));
  check_exactly_once(relay, 40);
  BOOST_TEST(relay.simulator.counter("injected_500") > 0);
  BOOST_TEST(relay.simulator.counter("injected_429") > 0);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = "
                         "'delivery.retry_scheduled'") > 0);
}

BOOST_AUTO_TEST_CASE(ambiguous_sends_are_adopted_not_repeated) {
  RelayFixture relay(RelaySetup::with_simulator(R"({"ambiguous_rate": 0.5, "seed": 11})", 50));
  post_batch(relay, "AMB", 20, 2);
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 40, 60s));
  check_exactly_once(relay, 40);
  BOOST_TEST(relay.simulator.counter("sends_ambiguous") > 0);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = "
                         "'delivery.send_adopted'") > 0);
}

BOOST_AUTO_TEST_CASE(kill_9_in_the_middle_of_a_batch_then_restart_sends_each_once) {
  // Slow answers keep sends in flight when the gateway dies; a short lease brings them back.
  auto setup = RelaySetup::with_simulator(R"({"latency_ms": 20})", 50);
  setup.workers = 16;
  setup.lease_seconds = 8;  // the shortest allowed with 3-second Metriport calls
  RelayFixture relay(setup);
  post_batch(relay, "KILL", 100, 10);
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 150, 60s));
  relay.gateways->gateway->kill9();
  const auto accepted_at_kill =
      relay.count("SELECT count(*) FROM deliveries WHERE state = 'accepted'");
  BOOST_TEST(accepted_at_kill < 1000);
  relay.gateways->gateway = relay.gateways->start_gateway();
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 1000, 180s));
  check_exactly_once(relay, 1000);
}

BOOST_AUTO_TEST_CASE(three_gateways_drain_one_queue_exactly_once) {
  RelaySetup setup;
  setup.relay_starts_enabled = false;  // queue everything first, then let three relays race
  RelayFixture relay(setup);
  post_batch(relay, "TRIO", 300, 10);
  BOOST_TEST(relay.gateways->gateway->stop() == 0);
  relay.gateways->extra_env.erase("GATEWAY_RELAY_ENABLED");
  std::vector<std::unique_ptr<GatewayProcess>> trio;
  for (int i = 0; i < 3; ++i) trio.push_back(relay.gateways->start_gateway());
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 3000, 240s));
  check_exactly_once(relay, 3000);
  BOOST_TEST(relay.count("SELECT count(DISTINCT actor) FROM audit_events "
                         "WHERE event = 'delivery.accepted'") == 3);
}

BOOST_AUTO_TEST_SUITE_END()
