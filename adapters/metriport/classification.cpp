// The outcome table of the Metriport client (see classification.hpp); pure, unit-tested row by row.
// Conservative where a request may have been acted upon: ambiguous, never a blind retry.
#include "adapters/metriport/classification.hpp"
#include "adapters/metriport/concat.hpp"

#include "adapters/metriport/error_reason.hpp"
#include "adapters/metriport/rate_limit_headers.hpp"

namespace relay::metriport {
namespace {

bool nothing_sent(const TransportFailure& failure) {
  switch (failure.stage) {
    case FailureStage::request:
    case FailureStage::pool_wait:
    case FailureStage::resolve:
    case FailureStage::connect:
    case FailureStage::tls_handshake:
      return true;
    case FailureStage::write:
      return !failure.request_bytes_written;
    case FailureStage::read:
      return false;
  }
  return false;
}

std::string_view stage_name(FailureStage stage) {
  switch (stage) {
    case FailureStage::request:
      return "invalid request";
    case FailureStage::pool_wait:
      return "waiting for a connection";
    case FailureStage::resolve:
      return "DNS resolution";
    case FailureStage::connect:
      return "connect";
    case FailureStage::tls_handshake:
      return "TLS handshake";
    case FailureStage::write:
      return "writing the request";
    case FailureStage::read:
      return "reading the answer";
  }
  return "exchange";
}

std::string failure_reason(const TransportFailure& failure) {
  if (failure.stage == FailureStage::request) {
    return bounded_reason(concat({"invalid request: ", failure.detail}));
  }
  std::string reason(stage_name(failure.stage));
  switch (failure.kind) {
    case FailureKind::timeout:
      reason += " timed out";
      break;
    case FailureKind::answer_too_large:
      reason += ": answer too large";
      break;
    case FailureKind::malformed_answer:
      reason += ": malformed HTTP answer";
      break;
    case FailureKind::error:
      reason += " failed";
      break;
  }
  if (!failure.detail.empty()) reason += concat({": ", failure.detail});
  if (failure.reused_connection) reason += " (reused connection)";
  return bounded_reason(reason);
}
}  // namespace

Classification classify_answer(const HttpAnswer& answer, bool idempotent,
                               std::chrono::system_clock::time_point now) {
  Classification result;
  const int status = answer.status;
  result.http_status = status;
  result.rate_limit = parse_rate_limit(answer.headers);
  if (status >= 200 && status <= 299) {
    result.outcome = CallOutcome::success;
    result.reason = concat({"HTTP ", std::to_string(status)});
    return result;
  }
  result.reason = describe_error_answer(status, answer.body);
  const bool server_error = status >= 500 && status <= 599;
  if (status == 429 || status == 408 || server_error) {
    auto retry_after = answer.headers.find(boost::beast::http::field::retry_after);
    if (retry_after != answer.headers.end()) {
      result.retry_after = parse_retry_after(retry_after->value(), now);
    }
  }
  if (status == 429) {
    result.outcome = CallOutcome::rate_limited;
  } else if (status == 408) {
    result.outcome = CallOutcome::transient;
  } else if (server_error) {
    const bool maybe_acted_upon = status == 500 || status == 502 || status == 504;
    result.outcome =
        !idempotent && maybe_acted_upon ? CallOutcome::ambiguous : CallOutcome::transient;
  } else {
    result.outcome = CallOutcome::permanent;
  }
  return result;
}

Classification classify_failure(const TransportFailure& failure, bool idempotent) {
  Classification result;
  result.reason = failure_reason(failure);
  if (failure.stage == FailureStage::request) {
    result.outcome = CallOutcome::permanent;
  } else if (nothing_sent(failure)) {
    result.outcome = CallOutcome::transient;
  } else if (failure.kind == FailureKind::answer_too_large) {
    result.outcome = idempotent ? CallOutcome::permanent : CallOutcome::ambiguous;
  } else {
    result.outcome = idempotent ? CallOutcome::transient : CallOutcome::ambiguous;
  }
  return result;
}

bool may_retry_on_new_connection(const TransportFailure& failure, bool idempotent) {
  if (!failure.reused_connection || failure.answer_bytes_received) return false;
  if (failure.kind == FailureKind::timeout || failure.kind == FailureKind::answer_too_large) {
    return false;
  }
  if (failure.stage != FailureStage::write && failure.stage != FailureStage::read) return false;
  if (idempotent) return true;
  return failure.stage == FailureStage::write && !failure.request_bytes_written;
}

}  // namespace relay::metriport
