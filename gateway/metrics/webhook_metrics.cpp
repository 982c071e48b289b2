// The webhook receiver's counters, every label combination made up front (they read 0 until the
// first event, so an alert on "no webhook" can tell none from missing).
#include "gateway/metrics/webhook_metrics.hpp"

#include <string>

namespace relay::metrics {
namespace {

constexpr std::array<std::string_view, webhook_type_count> type_names{"ping", "message.status",
                                                                      "other"};

}  // namespace

WebhookType webhook_type(std::string_view meta_type) {
  if (meta_type == "message.status") return WebhookType::message_status;
  if (meta_type == "ping") return WebhookType::ping;
  return WebhookType::other;
}

WebhookMetrics::WebhookMetrics(prometheus::Registry& registry) {
  auto& received = prometheus::BuildCounter()
                       .Name("relay_webhooks_received_total")
                       .Help(
                           "Signed, valid Metriport webhooks by type and whether they were new "
                           "(stored) or a repeat of a stored event (duplicate).")
                       .Register(registry);
  for (std::size_t type = 0; type < webhook_type_count; ++type) {
    received_[type * 2] =
        &received.Add({{"type", std::string(type_names[type])}, {"outcome", "stored"}});
    received_[type * 2 + 1] =
        &received.Add({{"type", std::string(type_names[type])}, {"outcome", "duplicate"}});
  }
  auto& signatures = prometheus::BuildCounter()
                         .Name("relay_webhook_signature_failures_total")
                         .Help("Webhooks refused 401 for a missing or wrong x-metriport-signature.")
                         .Register(registry);
  signature_failures_[0] = &signatures.Add({{"reason", "missing"}});
  signature_failures_[1] = &signatures.Add({{"reason", "mismatch"}});
  rejections_ = &prometheus::BuildCounter()
                     .Name("relay_webhook_rejections_total")
                     .Help("Signed webhooks refused 400 as invalid (see webhook_rejections).")
                     .Register(registry)
                     .Add({});
  ignored_fields_ = &prometheus::BuildCounter()
                         .Name("relay_webhook_ignored_fields_total")
                         .Help(
                             "Fields in accepted webhooks that the gateway does not know "
                             "(Metriport added them; logged once per field and process).")
                         .Register(registry)
                         .Add({});
}

void WebhookMetrics::count_received(WebhookType type, WebhookStored outcome) noexcept {
  received_[static_cast<std::size_t>(type) * 2 + (outcome == WebhookStored::duplicate ? 1 : 0)]
      ->Increment();
}

void WebhookMetrics::count_signature_failure(SignatureFailure failure) noexcept {
  signature_failures_[failure == SignatureFailure::missing ? 0 : 1]->Increment();
}

void WebhookMetrics::count_rejection() noexcept {
  rejections_->Increment();
}

void WebhookMetrics::count_ignored_fields(std::uint64_t fields) noexcept {
  ignored_fields_->Increment(static_cast<double>(fields));
}

}  // namespace relay::metrics
