// Posts one webhook to the gateway (http:// URLs only): a fresh connection per POST, the whole
// exchange bounded by a timeout, no redirects followed, no retries.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace relay::sim {

// The gateway's HTTP status, or 0 when no complete answer came (refused, timeout, bad URL).
boost::asio::awaitable<int> post_webhook(std::string url, std::string body, std::string signature,
                                         std::chrono::milliseconds timeout);

}  // namespace relay::sim
