// Who a connection's limits are counted against: the peer's IPv4 address, or its IPv6 /64 (one
// host can hold a whole /64, so a finer key would let it multiply its share).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <string>

namespace relay::http {

// "203.0.113.7", "2001:db8:1:2::/64"; an IPv4-mapped IPv6 address counts as its IPv4 address.
std::string client_key(const boost::asio::ip::address& peer);

}  // namespace relay::http
