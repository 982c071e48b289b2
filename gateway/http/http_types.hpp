// The types the HTTP transport and the API layer share: Beast request/response with string bodies,
// the coroutine request handler, the header-only precheck, error shaping and transport hints.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/body_budget.hpp"

namespace relay::http {

namespace beast_http = boost::beast::http;

class RequestObserver;

using Request = beast_http::request<beast_http::string_body>;
using RequestHeader = beast_http::request_header<>;
using Response = beast_http::response<beast_http::string_body>;

// Answers one fully read request. Runs on the connection's strand; may throw (the transport logs
// the message and answers 500 through the TransportErrorResponder).
using RequestHandler = std::function<boost::asio::awaitable<Response>(Request&)>;

// Looks at a request's header before any body byte is read (and before 100 Continue is sent). A
// response refuses the request: the transport sends it and, if a body was announced, closes the
// connection without reading the body. nullopt lets the request go on. Must be cheap (no I/O): it
// runs on the connection's strand. May throw (the transport logs it and answers 500).
using RequestPrecheck = std::function<std::optional<Response>(const RequestHeader& header)>;

// Builds the answer for a failure the transport detects itself (413 body too large, 431 headers too
// large, 400 malformed HTTP, 503 over the connection cap or the body budget) so the API layer keeps
// the portal's error shape.
using TransportErrorResponder =
    std::function<Response(beast_http::status, std::string_view reason, unsigned version)>;

// What the transport needs to know of the API beyond its handler and precheck.
struct TransportHints {
  // The body lane a request's body is reserved from, decided on its header (no I/O; runs on the
  // connection's strand). Empty: every body is in the shared lane.
  std::function<BodyLane(const RequestHeader& header)> lane_of;
  // Paths (exact, without query) still answered by the handler when a connection arrives over the
  // connection cap, for GET and HEAD: liveness probes must not fail because clients hog sockets.
  std::vector<std::string> probe_paths;
  // Hears of every answered request and every refusal (request_observer.hpp); may be null; not
  // owned: it must outlive the server.
  RequestObserver* observer = nullptr;
};

}  // namespace relay::http
