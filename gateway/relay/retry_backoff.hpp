// Capped exponential backoff with full jitter for failed delivery attempts, honouring Retry-After.
// The random draw is a parameter so the delay is a pure function of its inputs.
#pragma once

#include <chrono>
#include <optional>

namespace relay::engine {

struct RetryPolicy {
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds cap{300000};
  int max_attempts = 8;
};

// A Retry-After longer than this is treated as this (a hostile or broken header cannot park a
// delivery for days).
inline constexpr std::chrono::milliseconds max_retry_after{std::chrono::hours(1)};

// Upper bound of the jitter range: min(cap, base * 2^(attempt-1)), attempt clamped to >= 1,
// without overflow for any attempt.
std::chrono::milliseconds backoff_ceiling(int attempt, const RetryPolicy& policy);

// attempt: 1-based count of failures so far (deliveries.attempts after counting this one).
// unit_random: a uniform draw in [0, 1) (values outside are clamped). Full jitter:
// floor(unit_random * backoff_ceiling), then at least min(retry_after, max_retry_after).
std::chrono::milliseconds retry_delay(int attempt, const RetryPolicy& policy, double unit_random,
                                      std::optional<std::chrono::milliseconds> retry_after);

}  // namespace relay::engine
