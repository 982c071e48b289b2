// Integration test of send pacing against a fixed-window limit like Metriport's: the gateway uses
// the whole allowance of each window and the simulator never has to answer 429.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(relay_pacing)

BOOST_AUTO_TEST_CASE(pacer_uses_the_whole_window_allowance_without_429) {
  // 10 sends per 2-second window on both sides: 40 deliveries need 4 windows at full use.
  RelaySetup setup;
  setup.simulator_settings = R"({"send_limit_per_window": 10, "send_window_seconds": 2})";
  setup.sends_per_minute = 10;
  setup.send_window_seconds = 2;
  RelayFixture relay(setup);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 8; ++i) {
    relay.post({"PACE-" + std::to_string(i),
                {"PC-" + std::to_string(i) + "-a", "PC-" + std::to_string(i) + "-b",
                 "PC-" + std::to_string(i) + "-c", "PC-" + std::to_string(i) + "-d",
                 "PC-" + std::to_string(i) + "-e"}});
  }
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 40, 30s));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  BOOST_TEST(relay.simulator.counter("sends_rate_limited") == 0);
  BOOST_TEST(relay.simulator.counter("injected_429") == 0);
  // Whole allowance: 40 sends at 10 per window fit in 4 windows (8 s) plus the window alignment
  // and the first window's even spacing before headers are known; a pacer using only half of each
  // window would need 16 s or more.
  BOOST_TEST(elapsed < 13s,
             "40 paced sends took "
                 << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                 << " ms");
  // And it did pace: the 4th window's sends start at least 3 window boundaries after the first.
  BOOST_TEST(elapsed > 3900ms);
}

BOOST_AUTO_TEST_SUITE_END()
