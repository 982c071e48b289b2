// Metriport's final word on sends, applied in the store's own transactions: a status report, a
// stored webhook event, a delivery's settlement, and the reconciler's reads and flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_records.hpp"

namespace relay::pg {

// Metriport's final status of one send (a message.status webhook or a status poll).
struct StatusReport {
  std::string metriport_message_id;
  std::string status;        // completed | failed
  std::string completed_at;  // ISO 8601, as Metriport reported it
  std::optional<std::string> reason;
};

enum class ApplyOutcome {
  applied,    // the send took this status (and its delivery/message moved if they could)
  unchanged,  // the send had its final status already: terminal states never move back
  waiting,    // no send has recorded this id yet (the webhook beat the send's answer)
};

std::string_view to_text(ApplyOutcome outcome);

// What a committed transaction settled, for the metrics: each message that turned Sent, with the
// seconds since its deliveries were queued, and the outcome of each stored webhook event applied.
struct Settlements {
  std::vector<double> intake_to_sent_seconds;
  std::vector<std::string> webhook_outcomes;
};

// An accepted delivery whose sends all have their final status.
struct SettlementFacts {
  std::int64_t delivery_id = 0;
  int attempts = 0;
  bool failed = false;                        // some send failed (else every one completed)
  std::optional<std::string> failure_reason;  // the first failed send's
  std::string actor;
};

// The relay's rules, which the store consults inside its transactions (pure: no I/O).
class SettlementRules {
 public:
  virtual ~SettlementRules() = default;
  // The change that moves the delivery to completed or failed; nullopt when none is allowed.
  virtual std::optional<DeliveryChange> settlement(const SettlementFacts& facts) const = 0;
  // The audit details of a send's events.
  virtual std::string send_audit_detail(int part, int parts,
                                        std::string_view metriport_message_id) const = 0;
};

class SettlementStore {
 public:
  // pool and rules must outlive the store.
  SettlementStore(ConnectionPool& pool, const SettlementRules& rules);

  // The send Metriport knows by that id takes the status (audited), then its delivery is settled.
  // actor: "metriport:webhook", "relay:<instance>" (a poll), ...
  boost::asio::awaitable<Settlements> apply_status(const StatusReport& report,
                                                   const std::string& actor);
  // An accepted delivery whose sends all have their final status moves to completed (or failed,
  // with the first failed send's reason); its message turns Sent when every delivery completed.
  boost::asio::awaitable<Settlements> settle(std::int64_t delivery_id, const std::string& actor);
  // Every stored event that waited for this Metriport message id (just recorded), applied.
  boost::asio::awaitable<Settlements> apply_events_waiting_for(
      const std::string& metriport_message_id, const std::string& actor);
  // The oldest new event (waiting: the oldest waiting event whose id has meanwhile been recorded)
  // applied in its own transaction; one whose data cannot be applied (a data error) is set aside
  // as 'unapplicable' instead of blocking later ones. nullopt when there was none.
  boost::asio::awaitable<std::optional<Settlements>> apply_next_event(bool waiting,
                                                                      const std::string& actor);

  // The reconciler: accepted deliveries unconfirmed for age_seconds, not flagged yet, flagged now
  // (each audited as delivery.unconfirmed with audit_detail_json).
  boost::asio::awaitable<std::vector<std::int64_t>> flag_unconfirmed(
      int age_seconds, const std::string& actor, const std::string& audit_detail_json);
  // Accepted deliveries whose status was not read for age_seconds, the oldest first, stamped as
  // checked now so other processes skip them.
  boost::asio::awaitable<std::vector<std::int64_t>> take_unconfirmed(int age_seconds, int limit);
  // The Metriport ids of the delivery's sends still processing.
  boost::asio::awaitable<std::vector<std::string>> processing_message_ids(std::int64_t delivery_id);

 private:
  ConnectionPool& pool_;
  const SettlementRules& rules_;
};

}  // namespace relay::pg
