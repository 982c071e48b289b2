// Tests for gateway/http/client_key: IPv4 addresses whole, IPv6 by /64, IPv4-mapped as IPv4;
// the key every per-client body limit is counted against.
#include "gateway/http/client_key.hpp"

#include <boost/test/unit_test.hpp>

namespace {
std::string key(const char* address) {
  return relay::http::client_key(boost::asio::ip::make_address(address));
}
}  // namespace

BOOST_AUTO_TEST_SUITE(http_client_key)

BOOST_AUTO_TEST_CASE(ipv4_is_the_whole_address) {
  BOOST_TEST(key("203.0.113.7") == "203.0.113.7");
  BOOST_TEST(key("::ffff:203.0.113.7") == "203.0.113.7");
}

BOOST_AUTO_TEST_CASE(ipv6_hosts_in_one_64_share_a_key) {
  BOOST_TEST(key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
  BOOST_TEST(key("2001:db8:1:2:bbbb:cccc:dddd:eeee") == key("2001:db8:1:2::9"));
  BOOST_TEST(key("2001:db8:1:3::1") != key("2001:db8:1:2::1"));
  BOOST_TEST(key("::1") == "::/64");
}

BOOST_AUTO_TEST_SUITE_END()
