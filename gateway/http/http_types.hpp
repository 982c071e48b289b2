// The types the HTTP transport and the API layer share: Beast request/response with string bodies,
// the coroutine request handler, and the hook that shapes errors the transport detects itself.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <string_view>

namespace relay::http {

namespace beast_http = boost::beast::http;

using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

// Answers one fully read request. Runs on the connection's strand; may throw (the transport logs
// the message and answers 500 through the TransportErrorResponder).
using RequestHandler = std::function<boost::asio::awaitable<Response>(Request&)>;

// Builds the answer for a failure the transport detects itself (413 body too large, 431 headers too
// large, 400 malformed HTTP, 503 over the connection cap) so the API layer keeps the portal's error
// shape.
using TransportErrorResponder =
    std::function<Response(beast_http::status, std::string_view reason, unsigned version)>;

}  // namespace relay::http
