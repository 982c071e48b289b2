// The relay engine's histograms and counters; webhook outcomes are matched against a fixed list
// so a label never carries anything but one of its words.
#include "gateway/metrics/relay_metrics.hpp"

#include <string>

#include "gateway/metrics/buckets.hpp"

namespace relay::metrics {
namespace {

constexpr std::array<std::string_view, 7> applied_outcomes{
    "applied", "unchanged", "waiting", "recorded", "unreadable", "unapplicable", "other"};

}  // namespace

RelayMetrics::RelayMetrics(prometheus::Registry& registry) {
  intake_to_sent_ = &prometheus::BuildHistogram()
                         .Name("relay_message_intake_to_sent_seconds")
                         .Help(
                             "From a message's deliveries being queued (intake, or a Draft "
                             "re-posted as Sent) to the message turning Sent.")
                         .Register(registry)
                         .Add({}, buckets::intake_to_sent);
  pacer_wait_ = &prometheus::BuildHistogram()
                     .Name("relay_pacer_wait_seconds")
                     .Help(
                         "Time a delivery waited for a send slot of the shared pacer "
                         "(METRIPORT_SENDS_PER_MINUTE, RateLimit-* headers, 429 Retry-After).")
                     .Register(registry)
                     .Add({}, buckets::pacer_wait);
  auto& applied = prometheus::BuildCounter()
                      .Name("relay_webhook_events_applied_total")
                      .Help(
                          "Stored webhook events applied by the relay, by outcome (waiting: "
                          "the webhook came before the send's answer).")
                      .Register(registry);
  for (std::size_t i = 0; i < applied_outcome_count; ++i) {
    applied_[i] = &applied.Add({{"outcome", std::string(applied_outcomes[i])}});
  }
}

void RelayMetrics::observe_intake_to_sent(double seconds) noexcept {
  intake_to_sent_->Observe(seconds);
}

void RelayMetrics::observe_pacer_wait(std::chrono::steady_clock::duration waited) noexcept {
  pacer_wait_->Observe(std::chrono::duration<double>(waited).count());
}

void RelayMetrics::count_webhook_applied(std::string_view outcome) noexcept {
  std::size_t index = applied_outcome_count - 1;
  for (std::size_t i = 0; i + 1 < applied_outcome_count; ++i) {
    if (applied_outcomes[i] == outcome) index = i;
  }
  applied_[index]->Increment();
}

}  // namespace relay::metrics
