// The cached snapshot and the families built from it. Every delivery state is listed, with 0 for
// states that have no deliveries, so an alert on a state's growth sees a series from the start.
#include "gateway/metrics/queue_gauges.hpp"

#include <array>
#include <string_view>

#include "adapters/postgres/failure_reason.hpp"
#include "gateway/log/log.hpp"

namespace relay::metrics {
namespace {

// The states of schema/0001's CHECK on deliveries.state.
constexpr std::array<std::string_view, 11> delivery_states{
    "draft",     "queued", "resolving",  "uploading", "sending",  "accepted",
    "completed", "failed", "retry_wait", "dead",      "cancelled"};

prometheus::MetricFamily gauge(std::string name, std::string help, double value) {
  prometheus::MetricFamily family{
      std::move(name), std::move(help), prometheus::MetricType::Gauge, {}};
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
  return family;
}

}  // namespace

QueueGauges::QueueGauges(pg::ConnectionPool& pool, PacerDefaults pacer,
                         std::chrono::steady_clock::duration period)
    : store_(pool), pacer_(pacer), period_(period) {}

boost::asio::awaitable<void> QueueGauges::refresh_if_stale() {
  {
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (refreshing_ || (read_at_ && now - *read_at_ < period_)) co_return;
    refreshing_ = true;
  }
  std::optional<pg::QueueSnapshot> snapshot;
  std::string failure;
  try {
    snapshot = co_await store_.read();
  } catch (const std::exception& error) {
    failure = pg::failure_reason(error);
  }
  if (!snapshot) log::warn("metrics.queue_read_failed", {{"reason", failure}});
  std::lock_guard lock(mutex_);
  refreshing_ = false;
  read_at_ = std::chrono::steady_clock::now();
  snapshot_ = std::move(snapshot);
}

std::vector<prometheus::MetricFamily> QueueGauges::Collect() const {
  std::optional<pg::QueueSnapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot = snapshot_;
  }
  std::vector<prometheus::MetricFamily> families;
  families.push_back(gauge("relay_database_up",
                           "1 when the last read of the queue gauges (at most every 5 s) reached "
                           "PostgreSQL, else 0.",
                           snapshot ? 1 : 0));
  if (!snapshot) return families;

  prometheus::MetricFamily by_state{
      "relay_deliveries",
      "Deliveries per state, in the database every gateway process shares (the same value from "
      "every process: aggregate with max, not sum).",
      prometheus::MetricType::Gauge,
      {}};
  for (const auto state : delivery_states) {
    prometheus::ClientMetric metric;
    metric.label.push_back({"state", std::string(state)});
    const auto found = snapshot->deliveries_by_state.find(std::string(state));
    metric.gauge.value =
        found == snapshot->deliveries_by_state.end() ? 0 : static_cast<double>(found->second);
    by_state.metric.push_back(std::move(metric));
  }
  families.push_back(std::move(by_state));
  families.push_back(gauge("relay_deliveries_oldest_waiting_age_seconds",
                           "Age of the oldest delivery waiting to be relayed (queued or "
                           "retry_wait), since it was queued; 0 when none waits.",
                           snapshot->oldest_waiting_seconds));
  families.push_back(gauge("relay_deliveries_oldest_unconfirmed_age_seconds",
                           "Age of the oldest delivery Metriport accepted but has not confirmed "
                           "(state accepted), since acceptance; 0 when none.",
                           snapshot->oldest_unconfirmed_seconds));
  families.push_back(gauge("relay_deliveries_flagged",
                           "Accepted deliveries still unconfirmed after relay.flag_after_seconds.",
                           static_cast<double>(snapshot->flagged)));
  families.push_back(
      gauge("relay_pacer_limit",
            "Metriport sends allowed per pacer window, shared by every process "
            "(METRIPORT_SENDS_PER_MINUTE, adapted from RateLimit-Limit).",
            snapshot->pacer_limit ? static_cast<double>(*snapshot->pacer_limit) : pacer_.limit));
  families.push_back(gauge("relay_pacer_window_seconds", "Length of the pacer's window.",
                           snapshot->pacer_window_seconds.value_or(pacer_.window_seconds)));
  return families;
}

}  // namespace relay::metrics
