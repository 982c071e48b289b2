// IPv6 peers are keyed by their first 64 bits; IPv4 (and IPv4-mapped IPv6) by the whole address.
// Behind a reverse proxy every client shares the proxy's key: see README (operations) for sizing.
#include "gateway/http/client_key.hpp"

#include <boost/asio/ip/address_v6.hpp>

namespace relay::http {

std::string client_key(const boost::asio::ip::address& peer) {
  if (peer.is_v4()) return peer.to_v4().to_string();
  const auto v6 = peer.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
  }
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return boost::asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace relay::http
