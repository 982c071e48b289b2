// The delivery state machine: next(state, event, context) says whether an event may move a delivery
// and what the engine must write with it (one row update plus one audit event), with no I/O.
#pragma once

#include <array>
#include <string_view>

#include "gateway/relay/delivery_state.hpp"

namespace relay::engine {

enum class DeliveryEvent {
  promoted,             // the message's Draft became Sent: draft -> queued
  claimed,              // a worker took the delivery under a lease
  patient_resolved,     // Metriport patient id known
  documents_ready,      // every document of the plan uploaded
  send_accepted,        // every planned send has a Metriport message id
  transient_failure,    // 5xx, network error, expired upload URL, ...
  rate_limited,         // 429: wait, but the attempt does not count
  ambiguous_outcome,    // the request was written and no answer came
  permanent_failure,    // 4xx other than 429, unknown patient, ...
  lease_expired,        // an in-flight delivery whose lease ran out (its worker died)
  confirmed_completed,  // webhook or poll: Metriport delivered it
  confirmed_failed,     // webhook or poll: Metriport gave up
  operator_retry,       // an operator requeues a dead delivery
  operator_cancel,      // an operator withdraws a delivery that is not being worked on
  paused,               // relaying is paused for it: handed back to the queue, nothing counted
};

inline constexpr std::array<DeliveryEvent, 15> all_delivery_events = {
    DeliveryEvent::promoted,
    DeliveryEvent::claimed,
    DeliveryEvent::patient_resolved,
    DeliveryEvent::documents_ready,
    DeliveryEvent::send_accepted,
    DeliveryEvent::transient_failure,
    DeliveryEvent::rate_limited,
    DeliveryEvent::ambiguous_outcome,
    DeliveryEvent::permanent_failure,
    DeliveryEvent::lease_expired,
    DeliveryEvent::confirmed_completed,
    DeliveryEvent::confirmed_failed,
    DeliveryEvent::operator_retry,
    DeliveryEvent::operator_cancel,
    DeliveryEvent::paused,
};

std::string_view to_text(DeliveryEvent event);

// What the engine writes along with the new state.
struct Actions {
  bool take_lease = false;       // set locked_by/locked_until
  bool release_lease = false;    // clear locked_by/locked_until
  bool count_attempt = false;    // attempts = attempts + 1
  bool schedule_retry = false;   // next_attempt_at = now + retry_delay(attempts after counting)
  bool record_reason = false;    // last_error = the failure's reason (prefixed by Transition::note)
  bool stamp_accepted = false;   // accepted_at = now
  bool stamp_completed = false;  // completed_at = now
  bool reset_attempts = false;   // attempts = 0, last_error and next_attempt_at cleared
  bool operator==(const Actions&) const = default;
};

struct TransitionContext {
  int attempts_so_far = 0;  // deliveries.attempts before this event
  int max_attempts = 8;     // RetryPolicy::max_attempts
};

struct Transition {
  bool allowed = false;  // false: the event does not apply; callers treat it as a no-op
  DeliveryState to = DeliveryState::draft;  // the unchanged state when not allowed
  Actions actions;
  std::string_view audit_event;  // "delivery.claimed", "delivery.dead", ...; empty when not allowed
  std::string_view note;  // reason text the machine adds ("attempts exhausted", ...) or empty
};

// True when one more counted failure uses up the last attempt.
bool attempts_exhausted(const TransitionContext& context);

Transition next(DeliveryState from, DeliveryEvent event, const TransitionContext& context);

}  // namespace relay::engine
