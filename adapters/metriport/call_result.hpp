// The value every Metriport call answers: what happened (success, transient, rate-limited,
// permanent, ambiguous), the parsed value on success, and the short PHI-free reason otherwise.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace relay::metriport {

// success: done. transient: nothing happened (or retrying is harmless); retry later.
// rate_limited: refused by the rate limiter; retry after retry_after (or the next window).
// permanent: refused for good (validation, unknown patient, ...). ambiguous: a non-idempotent
// request may have been acted upon but no usable answer came; reconcile before retrying.
enum class CallOutcome { success, transient, rate_limited, permanent, ambiguous };

constexpr std::string_view to_string(CallOutcome outcome) {
  switch (outcome) {
    case CallOutcome::success:
      return "success";
    case CallOutcome::transient:
      return "transient";
    case CallOutcome::rate_limited:
      return "rate_limited";
    case CallOutcome::permanent:
      return "permanent";
    case CallOutcome::ambiguous:
      return "ambiguous";
  }
  return "unknown";
}

// RateLimit-Limit / -Remaining / -Reset (reset in seconds), when the answer carried them.
struct RateLimitInfo {
  std::optional<int> limit;
  std::optional<int> remaining;
  std::optional<std::chrono::seconds> reset;
  bool operator==(const RateLimitInfo&) const = default;
};

template <class T>
struct CallResult {
  CallOutcome outcome = CallOutcome::transient;
  std::optional<T> value;  // set on success
  int http_status = 0;     // 0 when no answer came
  std::string reason;      // short, no PHI: "HTTP 400 Missing or invalid parameters: ...", ...
  std::optional<std::chrono::milliseconds> retry_after;  // from Retry-After
  RateLimitInfo rate_limit;

  bool ok() const { return outcome == CallOutcome::success; }
  bool is_not_found() const { return outcome == CallOutcome::permanent && http_status == 404; }
};

}  // namespace relay::metriport
