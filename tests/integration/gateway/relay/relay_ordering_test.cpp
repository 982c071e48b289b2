// Integration test of the claim order under paced sends: High before Normal, and within a priority
// the vendors take turns, so a second vendor's messages do not wait behind the first one's backlog.
#include <algorithm>

#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(relay_ordering)

BOOST_AUTO_TEST_CASE(high_priority_first_then_vendors_take_turns) {
  RelaySetup setup;
  setup.relay_starts_enabled = false;  // queue everything, then relay it in claim order
  setup.workers = 1;                   // one delivery at a time: claim order is send order
  RelayFixture relay(setup);
  auto other_client = relay.gateways->client_for(relay.gateways->add_vendor("second-vendor"));
  for (int i = 0; i < 8; ++i) {
    relay.post({"BACKLOG-" + std::to_string(i), {"ORD-A" + std::to_string(i)}});
  }
  for (int i = 0; i < 2; ++i) {
    TestMessage message{"OTHER-" + std::to_string(i), {"ORD-B" + std::to_string(i)}};
    const auto answer =
        other_client.post("/api/OutgoingSecureMessages", RelayFixture::portal_json(message));
    BOOST_REQUIRE(answer.status == 200);
  }
  TestMessage urgent{"URGENT", {"ORD-HIGH"}};
  urgent.priority = "High";
  relay.post(urgent);

  BOOST_TEST(relay.gateways->gateway->stop() == 0);
  relay.gateways->extra_env.erase("GATEWAY_RELAY_ENABLED");
  relay.gateways->gateway = relay.gateways->start_gateway();
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 11, 30s));

  // The order Metriport received them in (the simulator numbers the sends it accepts).
  std::vector<std::string> order;
  const auto received = relay.simulator.received();
  for (const auto& send : received.at("sends").as_array()) {
    if (send.at("outcome").as_string() != "accepted") continue;
    order.push_back(std::string(send.at("patientId").as_string()));
  }
  BOOST_REQUIRE(order.size() == 11u);
  const auto position_of = [&](const std::string& external_id) {
    const std::string patient_id =
        relay.text("SELECT metriport_patient_id FROM deliveries WHERE patient_external_id = '" +
                   external_id + "'");
    return std::find(order.begin(), order.end(), patient_id) - order.begin();
  };
  BOOST_TEST(position_of("ORD-HIGH") == 0);
  // Without turns the second vendor's deliveries (queued last) would be 9th and 10th.
  BOOST_TEST(position_of("ORD-B0") <= 3);
  BOOST_TEST(position_of("ORD-B1") <= 5);
  // Within one vendor and priority: oldest first.
  BOOST_TEST(position_of("ORD-A0") < position_of("ORD-A1"));
  BOOST_TEST(position_of("ORD-A6") < position_of("ORD-A7"));
}

BOOST_AUTO_TEST_SUITE_END()
