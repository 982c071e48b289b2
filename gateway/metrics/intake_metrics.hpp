// Counts of message posts (POST /api/OutgoingSecureMessages) by what became of them, for
// relay_intake_requests_total{outcome}.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "gateway/domain/request_error.hpp"

namespace relay::metrics {

enum class IntakeOutcome {
  stored,              // stored and queued for relaying (new, or a Draft re-posted as Sent)
  draft,               // stored (or replaced) as a Draft: not relayed
  duplicate,           // identical re-post: nothing stored
  conflict,            // 409: a different payload for a message already queued
  invalid,             // 400/413: undecodable or invalid message
  no_route,            // 422: no Metriport route for the sender
  unsupported_format,  // 415/406: content type or Accept the API does not speak
  error,               // 5xx: the database or another dependency failed
};
inline constexpr std::size_t intake_outcome_count = 8;

std::string_view to_text(IntakeOutcome outcome);
// The outcome a refused post counts as.
IntakeOutcome outcome_of(domain::ErrorKind kind);

class IntakeMetrics {
 public:
  explicit IntakeMetrics(prometheus::Registry& registry);
  void count(IntakeOutcome outcome) noexcept;

 private:
  std::array<prometheus::Counter*, intake_outcome_count> counters_{};
};

}  // namespace relay::metrics
