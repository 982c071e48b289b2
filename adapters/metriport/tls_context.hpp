// The client TLS context: system trust store plus an optional extra CA file, peer verification on,
// TLS 1.2 as the floor. Host name checks and SNI are set per connection (connection.cpp).
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <optional>
#include <string>

namespace relay::metriport {

// Throws boost::system::system_error when ca_file cannot be loaded (a configuration error).
boost::asio::ssl::context make_client_tls_context(const std::optional<std::string>& ca_file);

}  // namespace relay::metriport
