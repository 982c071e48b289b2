// What the HTTP transport tells whoever watches it (the gateway's metrics): each answered request
// with its status and duration, and each request or connection it refused on its own.
#pragma once

#include <chrono>

#include "gateway/http/http_types.hpp"

namespace relay::http {

// Refusals the transport decides without the handler.
enum class TransportRefusal {
  connection_limit,  // over the connection cap: 503 (or closed when too many are being refused)
  body_budget,       // no room in the body budget: 503 with Retry-After
  body_too_slow,     // the body fell behind the minimum rate: closed
  body_too_large,    // over the body limit: 413
  header_too_large,  // over the header limit: 431
  malformed,         // unparseable HTTP or untrustworthy framing: 400
};

class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  // A request answered by the precheck or the handler, once its answer is ready and before it is
  // written (so a client that got the answer finds it counted); elapsed runs from the request's
  // first byte. Runs on the connection's strand: cheap, never throws.
  virtual void on_answered(const RequestHeader& header, unsigned status,
                           std::chrono::steady_clock::duration elapsed) noexcept = 0;
  virtual void on_refused(TransportRefusal refusal) noexcept = 0;
};

}  // namespace relay::http
