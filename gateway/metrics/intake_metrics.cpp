// relay_intake_requests_total: one counter per outcome, made up front so every outcome reads 0
// before it first happens (rate() and alerts need the series to exist).
#include "gateway/metrics/intake_metrics.hpp"

namespace relay::metrics {

std::string_view to_text(IntakeOutcome outcome) {
  static constexpr std::array<std::string_view, intake_outcome_count> names{
      "stored",  "draft",    "duplicate",          "conflict",
      "invalid", "no_route", "unsupported_format", "error"};
  return names[static_cast<std::size_t>(outcome)];
}

IntakeOutcome outcome_of(domain::ErrorKind kind) {
  switch (kind) {
    case domain::ErrorKind::conflict:
      return IntakeOutcome::conflict;
    case domain::ErrorKind::unprocessable:
      return IntakeOutcome::no_route;
    case domain::ErrorKind::unsupported_media_type:
    case domain::ErrorKind::not_acceptable:
      return IntakeOutcome::unsupported_format;
    default:
      return IntakeOutcome::invalid;
  }
}

IntakeMetrics::IntakeMetrics(prometheus::Registry& registry) {
  auto& family = prometheus::BuildCounter()
                     .Name("relay_intake_requests_total")
                     .Help("Message posts (POST /api/OutgoingSecureMessages) by outcome.")
                     .Register(registry);
  for (std::size_t i = 0; i < intake_outcome_count; ++i) {
    counters_[i] = &family.Add({{"outcome", std::string(to_text(static_cast<IntakeOutcome>(i)))}});
  }
}

void IntakeMetrics::count(IntakeOutcome outcome) noexcept {
  counters_[static_cast<std::size_t>(outcome)]->Increment();
}

}  // namespace relay::metrics
