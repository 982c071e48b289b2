// The one place a state-machine transition becomes a stored change record (guards, lease, attempts,
// retry time, reason, the audit event and its details), and the audit details of a send's events.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/postgres/delivery_records.hpp"
#include "gateway/relay/delivery_state_machine.hpp"

namespace relay::engine {

// What the transition is applied to and by whom, beyond the state machine's own answer.
struct ChangeContext {
  std::int64_t delivery_id = 0;
  DeliveryState from = DeliveryState::draft;
  int attempts = 0;  // before the event
  // The claim's lease token: guards a change from an in-flight state, and holds the lease when the
  // change leads to one (renewed for lease_length). Empty: no lease guard (webhooks, operators).
  std::string lease_token;
  std::chrono::seconds lease_length{0};
  std::string actor;
  // A failure's reason (last_error, operators) and summary (audit), prefixed by the transition's
  // note when it records a reason; failure_class goes to the audit event.
  std::optional<std::string> reason;
  std::optional<std::string> summary;
  std::string_view failure_class;
  // Always in the audit details as "reason" (an operator's action names its event), unlike
  // summary, which only a transition that records a reason writes.
  std::optional<std::string> audit_reason;
  // When the transition schedules a retry: the delay before it (the caller draws the jitter); set
  // without one, the time the delivery may be claimed again (0: at once).
  std::optional<std::chrono::microseconds> retry_delay;
};

// The attempts count after the transition.
int attempts_after(const Transition& transition, int attempts_before);

// The change for an allowed transition.
pg::DeliveryChange build_change(const Transition& transition, const ChangeContext& context);

// The audit summary a failure records under this transition (note prefixed), if it records one.
std::optional<std::string> recorded_summary(const Transition& transition,
                                            const std::optional<std::string>& text);

// The audit details of a send's events: its part of the delivery's parts and, once known,
// Metriport's id for it.
std::string send_audit_detail(int part, int parts, std::string_view metriport_message_id);

}  // namespace relay::engine
