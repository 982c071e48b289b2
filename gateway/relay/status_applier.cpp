// apply_status and settle_delivery: locks go send -> delivery -> message on every path, and the
// message lock makes the last delivery to complete see the others, so a message turns Sent once.
#include "gateway/relay/status_applier.hpp"

#include "adapters/postgres/delivery_repository.hpp"
#include "adapters/postgres/delivery_status_repository.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/delivery_change.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/delivery_state_machine.hpp"

namespace relay::engine {
namespace {

using pg::DeliveryStatusRepository;

}  // namespace

void report(const Settlements& settled, metrics::RelayMetrics& metrics) {
  for (const double seconds : settled.intake_to_sent_seconds) {
    metrics.observe_intake_to_sent(seconds);
  }
  for (const auto& outcome : settled.webhook_outcomes) metrics.count_webhook_applied(outcome);
}

std::string_view to_text(ApplyOutcome outcome) {
  switch (outcome) {
    case ApplyOutcome::applied:
      return "applied";
    case ApplyOutcome::unchanged:
      return "unchanged";
    case ApplyOutcome::waiting:
      return "waiting";
  }
  return "unknown";
}

ApplyOutcome apply_status(pqxx::work& tx, const StatusReport& report, const std::string& actor,
                          int max_attempts, Settlements* settled) {
  auto send = DeliveryStatusRepository::lock_send(tx, report.metriport_message_id);
  if (!send) {
    // Maybe being recorded right now: after that commit the send is found here, or the recording
    // sees this event and applies it itself (RelayStore::record_send).
    DeliveryStatusRepository::serialise_metriport_id(tx, report.metriport_message_id);
    send = DeliveryStatusRepository::lock_send(tx, report.metriport_message_id);
  }
  if (!send) return ApplyOutcome::waiting;
  if (send->status == "completed" || send->status == "failed") return ApplyOutcome::unchanged;
  DeliveryStatusRepository::set_send_outcome(tx, send->send_id, report.status, report.reason,
                                             report.completed_at);
  pg::append_audit_event(
      tx, {actor, "delivery", std::to_string(send->delivery_id),
           report.status == "completed" ? "delivery.send_completed" : "delivery.send_failed",
           send_audit_detail(send->part, send->parts, report.metriport_message_id)});
  settle_delivery(tx, send->delivery_id, actor, max_attempts, settled);
  return ApplyOutcome::applied;
}

void settle_delivery(pqxx::work& tx, std::int64_t delivery_id, const std::string& actor,
                     int max_attempts, Settlements* settled) {
  const auto delivery = DeliveryStatusRepository::lock_delivery(tx, delivery_id);
  if (!delivery || delivery->state != "accepted") return;  // not every part sent yet
  const auto outcomes = DeliveryStatusRepository::send_outcomes(tx, delivery_id);
  std::optional<std::string> failure_reason;
  bool any_failed = false;
  bool all_completed = !outcomes.empty();
  for (const auto& outcome : outcomes) {
    if (outcome.status == "failed" && !any_failed) {
      any_failed = true;
      failure_reason = outcome.reason.value_or("Metriport reported the delivery failed");
    }
    all_completed = all_completed && outcome.status == "completed";
  }
  if (!any_failed && !all_completed) return;
  const DeliveryEvent event =
      any_failed ? DeliveryEvent::confirmed_failed : DeliveryEvent::confirmed_completed;
  const Transition transition =
      next(DeliveryState::accepted, event, {delivery->attempts, max_attempts});
  if (!transition.allowed) return;

  DeliveryStatusRepository::lock_message(tx, delivery->message_id);
  ChangeContext context;
  context.delivery_id = delivery_id;
  context.from = DeliveryState::accepted;
  context.attempts = delivery->attempts;
  context.actor = actor;
  context.reason = failure_reason;  // last_error only: Metriport's text never goes to the audit
  const pg::DeliveryChange change = build_change(transition, context);
  if (!pg::DeliveryRepository::apply(tx, change)) return;
  if (transition.to == DeliveryState::failed) {
    log::warn("relay.delivery_failed", {{"delivery_id", std::to_string(delivery_id)}});
    return;
  }
  if (const auto queued_for =
          DeliveryStatusRepository::mark_message_sent_if_complete(tx, delivery->message_id)) {
    if (settled != nullptr) settled->intake_to_sent_seconds.push_back(*queued_for);
    pg::append_audit_event(tx, {actor, "message", delivery->message_id, "message.sent", "{}"});
    log::info("message.sent", {{"message_id", delivery->message_id}});
  }
}

std::string apply_stored_event(pqxx::work& tx, const pg::UnappliedWebhook& event,
                               const std::string& actor, int max_attempts, Settlements* settled) {
  if (event.event_type != "message.status") {
    pg::WebhookRepository::mark_applied(tx, event.id, "recorded");
    if (settled != nullptr) settled->webhook_outcomes.emplace_back("recorded");
    return "recorded";
  }
  // The status as validated at the door, from the event's columns (stored before schema 0008 and
  // not readable back from its payload: none, set aside).
  if (!event.status) {
    pg::WebhookRepository::mark_applied(tx, event.id, "unreadable");
    if (settled != nullptr) settled->webhook_outcomes.emplace_back("unreadable");
    return "unreadable";
  }
  const StatusReport report{event.status->metriport_message_id, event.status->status,
                            event.status->completed_at, event.status->reason};
  const auto outcome = apply_status(tx, report, actor, max_attempts, settled);
  if (outcome == ApplyOutcome::waiting) {
    pg::WebhookRepository::mark_waiting(tx, event.id);
  } else {
    pg::WebhookRepository::mark_applied(tx, event.id, std::string(to_text(outcome)));
  }
  if (settled != nullptr) settled->webhook_outcomes.emplace_back(to_text(outcome));
  return std::string(to_text(outcome));
}

void apply_events_waiting_for(pqxx::work& tx, const std::string& metriport_message_id,
                              const std::string& actor, int max_attempts, Settlements* settled) {
  for (const auto& event :
       pg::WebhookRepository::lock_events_for_message(tx, metriport_message_id)) {
    apply_stored_event(tx, event, actor, max_attempts, settled);
  }
}

}  // namespace relay::engine
