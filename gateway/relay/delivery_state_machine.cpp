// The transition table of a delivery. Failures count attempts until max_attempts, then park the
// delivery in dead for an operator; terminal states (completed, failed, cancelled) accept nothing.
#include "gateway/relay/delivery_state_machine.hpp"

namespace relay::engine {
namespace {

using S = DeliveryState;
using E = DeliveryEvent;

Transition refuse(DeliveryState from) {
  Transition t;
  t.to = from;
  return t;
}

Transition move(DeliveryState to, Actions actions, std::string_view audit_event,
                std::string_view note = {}) {
  return Transition{true, to, actions, audit_event, note};
}

// A counted failure of an in-flight delivery: back off and retry, or dead when attempts run out.
Transition counted_failure(const TransitionContext& context, std::string_view retry_audit,
                           std::string_view retry_note) {
  Actions actions;
  actions.release_lease = true;
  actions.count_attempt = true;
  actions.record_reason = true;
  if (attempts_exhausted(context)) {
    return move(S::dead, actions, "delivery.dead", "attempts exhausted");
  }
  actions.schedule_retry = true;
  return move(S::retry_wait, actions, retry_audit, retry_note);
}

Transition from_in_flight(DeliveryState from, DeliveryEvent event,
                          const TransitionContext& context) {
  switch (event) {
    case E::patient_resolved:
      if (from == S::resolving) return move(S::uploading, {}, "delivery.patient_resolved");
      return refuse(from);
    case E::documents_ready:
      if (from == S::uploading) return move(S::sending, {}, "delivery.documents_ready");
      return refuse(from);
    case E::send_accepted:
      if (from == S::sending) {
        return move(S::accepted, {.release_lease = true, .stamp_accepted = true},
                    "delivery.accepted");
      }
      return refuse(from);
    case E::transient_failure:
      return counted_failure(context, "delivery.retry_scheduled", {});
    case E::ambiguous_outcome:
      return counted_failure(context, "delivery.send_ambiguous", {});
    case E::rate_limited:
      return move(S::retry_wait, {.release_lease = true, .schedule_retry = true},
                  "delivery.rate_limited");
    case E::permanent_failure:
      return move(S::dead, {.release_lease = true, .record_reason = true}, "delivery.dead");
    case E::paused:
      // Before a send starts: back to the queue as it was (attempts, reason and retry time kept).
      return move(S::queued, {.release_lease = true}, "delivery.paused");
    case E::lease_expired: {
      // The worker vanished mid-step: reclaimable at once (no schedule_retry), but it counts, so a
      // delivery that kills its worker every time ends in dead instead of looping forever.
      Transition t = counted_failure(context, "delivery.lease_expired", "lease expired");
      t.actions.schedule_retry = false;
      return t;
    }
    default:
      return refuse(from);
  }
}

}  // namespace

std::string_view to_text(DeliveryEvent event) {
  switch (event) {
    case E::promoted:
      return "promoted";
    case E::claimed:
      return "claimed";
    case E::patient_resolved:
      return "patient_resolved";
    case E::documents_ready:
      return "documents_ready";
    case E::send_accepted:
      return "send_accepted";
    case E::transient_failure:
      return "transient_failure";
    case E::rate_limited:
      return "rate_limited";
    case E::ambiguous_outcome:
      return "ambiguous_outcome";
    case E::permanent_failure:
      return "permanent_failure";
    case E::lease_expired:
      return "lease_expired";
    case E::confirmed_completed:
      return "confirmed_completed";
    case E::confirmed_failed:
      return "confirmed_failed";
    case E::operator_retry:
      return "operator_retry";
    case E::operator_cancel:
      return "operator_cancel";
    case E::paused:
      return "paused";
  }
  return "unknown";
}

bool attempts_exhausted(const TransitionContext& context) {
  return context.attempts_so_far + 1 >= context.max_attempts;
}

Transition next(DeliveryState from, DeliveryEvent event, const TransitionContext& context) {
  if (is_terminal(from)) return refuse(from);
  if (is_in_flight(from)) return from_in_flight(from, event, context);
  switch (event) {
    case E::promoted:
      if (from == S::draft) return move(S::queued, {}, "delivery.queued");
      return refuse(from);
    case E::claimed:
      if (is_claimable(from)) return move(S::resolving, {.take_lease = true}, "delivery.claimed");
      return refuse(from);
    case E::confirmed_completed:
      if (from == S::accepted) {
        return move(S::completed, {.stamp_completed = true}, "delivery.completed");
      }
      return refuse(from);
    case E::confirmed_failed:
      if (from == S::accepted) {
        return move(S::failed, {.record_reason = true, .stamp_completed = true}, "delivery.failed");
      }
      return refuse(from);
    case E::operator_retry:
      if (from == S::dead) return move(S::queued, {.reset_attempts = true}, "delivery.requeued");
      return refuse(from);
    case E::operator_cancel:
      // accepted is excluded: Metriport already has the message, so "withdrawn" would be false.
      if (from != S::accepted) return move(S::cancelled, {}, "delivery.cancelled");
      return refuse(from);
    default:
      return refuse(from);
  }
}

}  // namespace relay::engine
