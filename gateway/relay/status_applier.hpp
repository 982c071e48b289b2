// Metriport's final word on a send (a message.status webhook or a status poll) applied in the
// caller's transaction: the send, then its delivery (state machine), then the message (Sent).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "adapters/postgres/webhook_repository.hpp"
#include "gateway/metrics/relay_metrics.hpp"

namespace relay::engine {

struct StatusReport {
  std::string metriport_message_id;
  std::string status;        // completed | failed
  std::string completed_at;  // ISO 8601, as Metriport reported it
  std::optional<std::string> reason;
};

// What the functions below did that is reported after the transaction commits (metrics): each
// message that turned Sent, with the seconds since its deliveries were queued, and the outcome of
// each stored webhook event applied.
struct Settlements {
  std::vector<double> intake_to_sent_seconds;
  std::vector<std::string> webhook_outcomes;
};

// Hands a committed transaction's settlements to the metrics.
void report(const Settlements& settled, metrics::RelayMetrics& metrics);

enum class ApplyOutcome {
  applied,    // the send took this status (and its delivery/message moved if they could)
  unchanged,  // the send had its final status already: terminal states never move back
  waiting,    // no send has recorded this id yet (the webhook beat the send's answer)
};

std::string_view to_text(ApplyOutcome outcome);

// actor: "metriport:webhook", "relay:<instance>" (a poll), ...; settled (may be null) collects
// what to report once the transaction commits (also for the functions below).
ApplyOutcome apply_status(pqxx::work& tx, const StatusReport& report, const std::string& actor,
                          int max_attempts, Settlements* settled = nullptr);

// A delivery whose sends all have their final status moves to completed (or failed, with the first
// failed send's reason) if it is 'accepted'; its message turns Sent when every delivery completed.
void settle_delivery(pqxx::work& tx, std::int64_t delivery_id, const std::string& actor,
                     int max_attempts, Settlements* settled = nullptr);

// A stored webhook event: message.status is applied; other types are recorded as not applicable.
// Returns the outcome written to the event (waiting events stay unapplied).
std::string apply_stored_event(pqxx::work& tx, const pg::UnappliedWebhook& event,
                               const std::string& actor, int max_attempts,
                               Settlements* settled = nullptr);

// Applies every stored event that was waiting for this Metriport message id (just recorded).
void apply_events_waiting_for(pqxx::work& tx, const std::string& metriport_message_id,
                              const std::string& actor, int max_attempts,
                              Settlements* settled = nullptr);

}  // namespace relay::engine
