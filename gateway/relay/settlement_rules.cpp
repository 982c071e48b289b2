// RelaySettlementRules: confirmed_completed or confirmed_failed from 'accepted' through the state
// machine, turned into a change by the one builder; the failure reason goes to last_error only.
#include "gateway/relay/settlement_rules.hpp"

#include "gateway/relay/delivery_change.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/delivery_state_machine.hpp"

namespace relay::engine {

std::optional<pg::DeliveryChange> RelaySettlementRules::settlement(
    const pg::SettlementFacts& facts) const {
  const DeliveryEvent event =
      facts.failed ? DeliveryEvent::confirmed_failed : DeliveryEvent::confirmed_completed;
  const Transition transition =
      next(DeliveryState::accepted, event, {facts.attempts, max_attempts_});
  if (!transition.allowed) return std::nullopt;
  ChangeContext context;
  context.delivery_id = facts.delivery_id;
  context.from = DeliveryState::accepted;
  context.attempts = facts.attempts;
  context.actor = facts.actor;
  context.reason =
      facts.failure_reason;  // last_error only: Metriport's text never goes to the audit
  return build_change(transition, context);
}

std::string RelaySettlementRules::send_audit_detail(int part, int parts,
                                                    std::string_view metriport_message_id) const {
  return engine::send_audit_detail(part, parts, metriport_message_id);
}

void report(const pg::Settlements& settled, metrics::RelayMetrics& metrics) {
  for (const double seconds : settled.intake_to_sent_seconds) {
    metrics.observe_intake_to_sent(seconds);
  }
  for (const auto& outcome : settled.webhook_outcomes) metrics.count_webhook_applied(outcome);
}

}  // namespace relay::engine
