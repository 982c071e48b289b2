// What the relay engine of this process observes: time from intake to Sent, time waiting for the
// pacer's send slots, and stored webhook events applied by outcome.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace relay::metrics {

class RelayMetrics {
 public:
  explicit RelayMetrics(prometheus::Registry& registry);

  // A message turned Sent this long after its deliveries were queued (observed after the commit).
  void observe_intake_to_sent(double seconds) noexcept;
  // A delivery waited this long for a send slot before it was granted.
  void observe_pacer_wait(std::chrono::steady_clock::duration waited) noexcept;
  // A stored webhook event was applied with this outcome (the settlement store's words: applied,
  // unchanged, waiting, recorded, unreadable, unapplicable); other words count as "other".
  void count_webhook_applied(std::string_view outcome) noexcept;

 private:
  static constexpr std::size_t applied_outcome_count = 7;
  prometheus::Histogram* intake_to_sent_ = nullptr;
  prometheus::Histogram* pacer_wait_ = nullptr;
  std::array<prometheus::Counter*, applied_outcome_count> applied_{};
};

}  // namespace relay::metrics
