// The message-framing rules RFC 9112 sets for requests, checked on the header before any body byte
// is read: transfer codings, Content-Length beside Transfer-Encoding, and the Host header.
#pragma once

#include <optional>
#include <string_view>

#include "gateway/http/http_types.hpp"

namespace relay::http {

struct FramingRefusal {
  beast_http::status status;
  std::string_view reason;  // a fixed text: never a value from the request
};

// nullopt when the request's framing is sound. Otherwise the answer to send before closing the
// connection (the body's end cannot be trusted, so nothing after this header may be served):
// - Transfer-Encoding in an HTTP/1.0 request, or beside a Content-Length: 400 (RFC 9112 §6.1,
//   §6.3: a request smuggling vector, refused rather than guessed);
// - a final transfer coding other than chunked: 400 (§6.3: the body length cannot be determined);
// - codings before a final chunked (gzip, chunked): 501, as none is implemented;
// - HTTP/1.1 without a Host header, or any request with more than one: 400 (§3.2).
std::optional<FramingRefusal> check_framing(const RequestHeader& header);

}  // namespace relay::http
