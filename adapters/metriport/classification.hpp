// Decides the outcome of every exchange: an answer by its status (and headers), a transport
// failure by where it happened and whether the request may have reached the server.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adapters/metriport/call_result.hpp"
#include "adapters/metriport/http_exchange.hpp"

namespace relay::metriport {

struct Classification {
  CallOutcome outcome = CallOutcome::transient;
  int http_status = 0;
  std::string reason;
  std::optional<std::chrono::milliseconds> retry_after;
  RateLimitInfo rate_limit;
};

// 2xx success; 429 rate_limited; 408 transient; other 4xx, 1xx, 3xx and unknown codes permanent;
// 503 and other 5xx transient, except 500/502/504 to a non-idempotent request: ambiguous (the
// server or a gateway failed after the request was handed on, so it may have been acted upon).
// Retry-After is read on 408, 429 and 5xx; RateLimit-* on every answer.
Classification classify_answer(const HttpAnswer& answer, bool idempotent,
                               std::chrono::system_clock::time_point now);

// Nothing sent (pool wait, DNS, connect, TLS handshake, or a write that sent no byte): transient.
// Sent (even partly) and then a failure or timeout: transient when idempotent, else ambiguous.
// An answer over the size limit: permanent when idempotent, else ambiguous. Bad URL: permanent.
Classification classify_failure(const TransportFailure& failure, bool idempotent);

// Whether a failed exchange on a reused keep-alive connection may be repeated once on a new one:
// only when no answer byte came, and for a non-idempotent request only when the write failed
// before a single byte left (the server cannot have read it).
bool may_retry_on_new_connection(const TransportFailure& failure, bool idempotent);

// A CallResult without a value carrying the classification.
template <class T>
CallResult<T> to_call_result(Classification classification) {
  CallResult<T> result;
  result.outcome = classification.outcome;
  result.http_status = classification.http_status;
  result.reason = std::move(classification.reason);
  result.retry_after = classification.retry_after;
  result.rate_limit = classification.rate_limit;
  return result;
}

}  // namespace relay::metriport
