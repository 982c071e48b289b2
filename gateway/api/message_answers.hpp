// A stored message encoded in the asked format on the CPU pool (base64 of up to the attachment
// limit), as the message endpoints answer it.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include "gateway/api/wire_format.hpp"
#include "gateway/domain/message.hpp"

namespace relay::api {

boost::asio::awaitable<std::string> encode_on(boost::asio::thread_pool& cpu_pool,
                                              const domain::StoredMessage& message,
                                              WireFormat format);

}  // namespace relay::api
