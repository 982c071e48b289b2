// What the three message endpoints answer alike: a stored message encoded in the asked format on
// the CPU pool (base64 of up to the attachment limit), and the 406 for an Accept they cannot meet.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "gateway/api/wire_format.hpp"
#include "gateway/domain/message.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::api {

boost::asio::awaitable<std::string> encode_on(boost::asio::thread_pool& cpu_pool,
                                              const domain::StoredMessage& message,
                                              WireFormat format);

http::Response not_acceptable(unsigned version);

}  // namespace relay::api
