// Integration tests of `relay-gateway healthcheck` against a real gateway: 0 while /livez answers
// on the operations listener (from GATEWAY_OPS_LISTEN or --url), 1 when refused, silent or not 200.
#include <boost/test/unit_test.hpp>

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "tests/integration/gateway/api/gateway_fixture.hpp"
#include "tests/support/free_port.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

std::string ops_listen(const GatewayProcess& gateway) {
  return "127.0.0.1:" + std::to_string(gateway.ops_port());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(healthcheck)

BOOST_AUTO_TEST_CASE(probes_the_operations_listener_named_by_the_environment) {
  GatewayFixture fixture;
  const auto result =
      run_cli({"healthcheck"}, {{"GATEWAY_OPS_LISTEN", ops_listen(*fixture.gateway)}});
  BOOST_TEST(result.exit_code == 0, result.err);
  BOOST_TEST(result.out.find("healthy: http://" + ops_listen(*fixture.gateway) +
                             "/livez status 200") != std::string::npos,
             result.out);
}

BOOST_AUTO_TEST_CASE(url_overrides_the_address_and_path) {
  GatewayFixture fixture;
  // Pointed at an address where nothing listens, the environment would fail: --url wins.
  const EnvMap nowhere{{"GATEWAY_OPS_LISTEN", "127.0.0.1:" + std::to_string(free_loopback_port())}};
  const auto readyz =
      run_cli({"healthcheck", "--url", fixture.gateway->ops_base_url() + "/readyz"}, nowhere);
  BOOST_TEST(readyz.exit_code == 0, readyz.err);
  BOOST_TEST(readyz.out.find("/readyz status 200") != std::string::npos, readyz.out);
  BOOST_TEST(run_cli({"healthcheck"}, nowhere).exit_code == 1);
}

BOOST_AUTO_TEST_CASE(an_answer_other_than_200_is_unhealthy) {
  GatewayFixture fixture;
  const auto result =
      run_cli({"healthcheck", "--url", fixture.gateway->ops_base_url() + "/no-such-probe"});
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.err.find("status 404") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_CASE(a_stopped_gateway_is_unhealthy) {
  GatewayFixture fixture;
  const std::string address = ops_listen(*fixture.gateway);
  BOOST_TEST(fixture.gateway->stop() == 0);
  const auto result = run_cli({"healthcheck"}, {{"GATEWAY_OPS_LISTEN", address}});
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.err.find("connection refused") != std::string::npos, result.err);
}

BOOST_AUTO_TEST_CASE(a_listener_that_never_answers_is_unhealthy_within_the_timeout) {
  // The kernel completes connections into the backlog; nothing ever reads or answers them.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = silent.local_endpoint().port();
  const auto started = std::chrono::steady_clock::now();
  const auto result = run_cli({"healthcheck", "--timeout", "1"},
                              {{"GATEWAY_OPS_LISTEN", "127.0.0.1:" + std::to_string(port)}}, 20s);
  BOOST_TEST(!result.timed_out);
  BOOST_TEST(result.exit_code == 1);
  BOOST_TEST(result.err.find("timed out") != std::string::npos, result.err);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  BOOST_TEST((elapsed < 10s));
}

BOOST_AUTO_TEST_CASE(bad_options_and_configuration_are_unhealthy_never_exit_2) {
  BOOST_TEST(run_cli({"healthcheck", "--timeout", "0"}).exit_code == 1);
  BOOST_TEST(run_cli({"healthcheck", "--url"}).exit_code == 1);
  BOOST_TEST(run_cli({"healthcheck", "--port", "1"}).exit_code == 1);
  const auto port_zero = run_cli({"healthcheck"}, {{"GATEWAY_OPS_LISTEN", "127.0.0.1:0"}});
  BOOST_TEST(port_zero.exit_code == 1);
  BOOST_TEST(port_zero.err.find("--url") != std::string::npos, port_zero.err);
  BOOST_TEST(run_cli({"healthcheck"}, {{"GATEWAY_OPS_LISTEN", "no-port"}}).exit_code == 1);
}

BOOST_AUTO_TEST_SUITE_END()
