// build_change: the state machine's actions turned into DeliveryChange fields, one rule each; the
// audit details carry states, attempts, the failure's summary and class, never PHI.
#include "gateway/relay/delivery_change.hpp"

#include <boost/json.hpp>

namespace relay::engine {

int attempts_after(const Transition& transition, int attempts_before) {
  if (transition.actions.reset_attempts) return 0;
  return transition.actions.count_attempt ? attempts_before + 1 : attempts_before;
}

std::optional<std::string> recorded_summary(const Transition& transition,
                                            const std::optional<std::string>& text) {
  if (!transition.actions.record_reason || !text) return std::nullopt;
  if (transition.note.empty()) return text;
  return std::string(transition.note) + ": " + *text;
}

pg::DeliveryChange build_change(const Transition& transition, const ChangeContext& context) {
  pg::DeliveryChange change;
  change.delivery_id = context.delivery_id;
  change.from_state = context.from;
  change.to_state = transition.to;
  if (is_in_flight(context.from) && !context.lease_token.empty()) {
    change.lease_holder = context.lease_token;
  }
  if (transition.actions.release_lease) {
    change.lease = pg::LeaseChange::release;
  } else if (is_in_flight(transition.to)) {
    change.lease = pg::LeaseChange::take_or_extend;  // every step renews the lease
    change.new_lease_holder = context.lease_token;
    change.lease_length = context.lease_length;
  }
  change.count_attempt = transition.actions.count_attempt;
  change.reset_attempts = transition.actions.reset_attempts;
  // A retry the machine schedules, or a time the caller gives (a lease reclaimable at once).
  if (transition.actions.schedule_retry || context.retry_delay) {
    change.retry_delay = context.retry_delay.value_or(std::chrono::microseconds(0));
  }
  change.reason = recorded_summary(transition, context.reason);
  change.stamp_accepted = transition.actions.stamp_accepted;
  change.stamp_completed = transition.actions.stamp_completed;
  change.actor = context.actor;
  change.audit_event = std::string(transition.audit_event);
  boost::json::object detail{{"from", to_text(change.from_state)},
                             {"to", to_text(change.to_state)},
                             {"attempts", attempts_after(transition, context.attempts)}};
  if (const auto summary = recorded_summary(transition, context.summary)) {
    detail["reason"] = *summary;
  } else if (context.audit_reason) {
    detail["reason"] = *context.audit_reason;
  }
  if (!context.failure_class.empty()) detail["class"] = context.failure_class;
  change.audit_detail_json = boost::json::serialize(detail);
  return change;
}

std::string send_audit_detail(int part, int parts, std::string_view metriport_message_id) {
  boost::json::object detail{{"part", part}, {"parts", parts}};
  if (!metriport_message_id.empty()) detail["metriport_message_id"] = metriport_message_id;
  return boost::json::serialize(detail);
}

}  // namespace relay::engine
