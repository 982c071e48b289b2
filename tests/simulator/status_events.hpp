// message.status events: the automatic completion (or failure) of a sent message after the webhook
// delay, and manual status changes from the control API, each posted to the gateway as a webhook.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tests/simulator/sim_context.hpp"

namespace relay::sim {

// Schedules the automatic event for a just-stored message. May be called with the state mutex held
// (the task only starts a timer before taking the lock itself); the
// caller has already counted it in counters.webhooks_pending.
void schedule_status_event(std::shared_ptr<SimContext> context, std::string message_id,
                           std::uint64_t generation, std::chrono::milliseconds delay);

// Sets the message's status now ("completed" or "failed"; failed without a reason uses
// settings.failed_reason) and, when webhook is true, posts one webhook at once (no loss,
// duplicate or delay). Takes the state mutex. False when no such message exists.
bool change_status_by_hand(std::shared_ptr<SimContext> context, const std::string& message_id,
                           const std::string& status, std::optional<std::string> reason,
                           bool webhook);

}  // namespace relay::sim
