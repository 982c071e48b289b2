// Unit tests for the healthcheck's probe target: --url parsing (http only, defaults, IPv6, what is
// refused) and the address used for a listener bound to a wildcard address.
#include "gateway/cli/health_probe.hpp"

#include <boost/test/unit_test.hpp>

using relay::cli::parse_probe_url;
using relay::cli::probe_target_for_listener;
using relay::cli::ProbeTarget;

namespace {

ProbeTarget parsed(const std::string& url) {
  auto result = parse_probe_url(url);
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<ProbeTarget>(result), url);
  return std::get<ProbeTarget>(result);
}

std::string refusal(const std::string& url) {
  auto result = parse_probe_url(url);
  BOOST_REQUIRE_MESSAGE(std::holds_alternative<std::string>(result), url);
  return std::get<std::string>(result);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(health_probe)

BOOST_AUTO_TEST_CASE(url_gives_host_port_path_and_host_header) {
  const auto target = parsed("http://127.0.0.1:8090/readyz");
  BOOST_TEST(target.host == "127.0.0.1");
  BOOST_TEST(target.port == "8090");
  BOOST_TEST(target.path == "/readyz");
  BOOST_TEST(target.host_header == "127.0.0.1:8090");
}

BOOST_AUTO_TEST_CASE(url_defaults_to_port_80_and_livez) {
  const auto target = parsed("http://gateway-ops.relay.svc");
  BOOST_TEST(target.host == "gateway-ops.relay.svc");
  BOOST_TEST(target.port == "80");
  BOOST_TEST(target.path == "/livez");
}

BOOST_AUTO_TEST_CASE(ipv6_hosts_lose_their_brackets_but_keep_them_in_the_host_header) {
  const auto target = parsed("http://[::1]:8090/livez?verbose=1");
  BOOST_TEST(target.host == "::1");
  BOOST_TEST(target.host_header == "[::1]:8090");
  BOOST_TEST(target.path == "/livez?verbose=1");
}

BOOST_AUTO_TEST_CASE(urls_the_probe_cannot_use_are_refused_with_a_reason) {
  BOOST_TEST(refusal("https://127.0.0.1:8090/livez").find("http://") != std::string::npos);
  BOOST_TEST(refusal("127.0.0.1:8090").find("absolute") != std::string::npos);
  BOOST_TEST(refusal("/livez").find("absolute") != std::string::npos);
  BOOST_TEST(refusal("http://user:secret@127.0.0.1:8090/").find("user name") != std::string::npos);
  BOOST_TEST(refusal("http://127.0.0.1:/livez").find("empty port") != std::string::npos);
  BOOST_TEST(refusal("http:///livez").find("no host") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_refusal_never_repeats_the_url) {
  const std::string secret = "s3cr3t-token";
  BOOST_TEST(refusal("http://user:" + secret + "@h/").find(secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_wildcard_listener_is_probed_on_loopback) {
  BOOST_TEST(probe_target_for_listener("0.0.0.0", 8090).host == "127.0.0.1");
  BOOST_TEST(probe_target_for_listener("::", 8090).host == "::1");
  BOOST_TEST(probe_target_for_listener("::", 8090).host_header == "[::1]:8090");
  const auto named = probe_target_for_listener("10.1.2.3", 9000);
  BOOST_TEST(named.host == "10.1.2.3");
  BOOST_TEST(named.port == "9000");
  BOOST_TEST(named.path == "/livez");
  BOOST_TEST(probe_target_for_listener("localhost", 8090).host == "localhost");
}

BOOST_AUTO_TEST_SUITE_END()
