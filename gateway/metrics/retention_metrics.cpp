// relay_retention_*: counters made up front for every result and row kind, so a scrape shows zeros
// before the first pass; the rows a pass reports are added as they are.
#include "gateway/metrics/retention_metrics.hpp"

#include <string>

namespace relay::metrics {
namespace {

constexpr std::array<std::string_view, 5> result_names{"pruned", "stopped", "busy", "recent",
                                                       "failed"};
constexpr std::array<std::string_view, 3> purged_kinds{"messages", "attachments",
                                                       "webhook_payloads"};
constexpr std::array<std::string_view, 8> deleted_kinds{
    "messages", "patients",  "attachments",    "deliveries",
    "sends",    "documents", "webhook_events", "webhook_rejections"};

void add(prometheus::Counter* counter, std::int64_t rows) noexcept {
  if (rows > 0) counter->Increment(static_cast<double>(rows));
}

}  // namespace

RetentionMetrics::RetentionMetrics(prometheus::Registry& registry) {
  auto& passes = prometheus::BuildCounter()
                     .Name("relay_retention_passes_total")
                     .Help(
                         "Retention passes this process attempted, by result (pruned, stopped, "
                         "busy: another process was pruning, recent: pruned lately elsewhere, "
                         "failed).")
                     .Register(registry);
  for (std::size_t i = 0; i < result_names.size(); ++i) {
    passes_[i] = &passes.Add({{"result", std::string(result_names[i])}});
  }
  auto& purged = prometheus::BuildCounter()
                     .Name("relay_retention_purged_total")
                     .Help("Rows whose content retention purged (content_days), by kind.")
                     .Register(registry);
  for (std::size_t i = 0; i < purged_kinds.size(); ++i) {
    purged_[i] = &purged.Add({{"kind", std::string(purged_kinds[i])}});
  }
  auto& deleted = prometheus::BuildCounter()
                      .Name("relay_retention_deleted_total")
                      .Help("Rows retention deleted (records_days), by kind.")
                      .Register(registry);
  for (std::size_t i = 0; i < deleted_kinds.size(); ++i) {
    deleted_[i] = &deleted.Add({{"kind", std::string(deleted_kinds[i])}});
  }
  last_pruned_ = &prometheus::BuildGauge()
                      .Name("relay_retention_last_pruned_timestamp_seconds")
                      .Help("When this process last finished a whole retention pass (0: never).")
                      .Register(registry)
                      .Add({});
  last_duration_ = &prometheus::BuildGauge()
                        .Name("relay_retention_last_pass_duration_seconds")
                        .Help("How long this process's last retention attempt took.")
                        .Register(registry)
                        .Add({});
}

void RetentionMetrics::pass_finished(std::string_view result, const pg::RetentionCounts& counts,
                                     double finished_at, double duration_seconds) noexcept {
  for (std::size_t i = 0; i < result_names.size(); ++i) {
    if (result_names[i] == result) passes_[i]->Increment();
  }
  add(purged_[0], counts.messages_purged);
  add(purged_[1], counts.attachments_purged);
  add(purged_[2], counts.webhook_payloads_purged);
  add(deleted_[0], counts.messages_deleted);
  add(deleted_[1], counts.patients_deleted);
  add(deleted_[2], counts.attachments_deleted);
  add(deleted_[3], counts.deliveries_deleted);
  add(deleted_[4], counts.sends_deleted);
  add(deleted_[5], counts.documents_deleted);
  add(deleted_[6], counts.webhook_events_deleted);
  add(deleted_[7], counts.webhook_rejections_deleted);
  if (result == "pruned") last_pruned_->Set(finished_at);
  last_duration_->Set(duration_seconds);
}

}  // namespace relay::metrics
