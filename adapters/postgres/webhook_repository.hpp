// SQL of the webhook inbox: verified events stored once per Metriport event id (a status's fields
// as columns), refused webhooks recorded without their bodies, and the events left to apply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace relay::pg {

// A message.status event's payload as validated at the door, stored in the event's own columns.
struct WebhookStatus {
  std::string metriport_message_id;  // lower-case UUID
  std::string status;                // completed | failed
  std::string completed_at;          // ISO 8601 date-time (stored as timestamptz)
  std::optional<std::string> reason;
};

// status is empty when the event is not a message.status event (or, stored before schema 0008,
// its payload could not be read back); its completed_at is PostgreSQL's text of the timestamptz.
struct UnappliedWebhook {
  std::int64_t id = 0;
  std::string event_type;
  std::optional<std::string> metriport_message_id;
  std::optional<WebhookStatus> status;
};

class WebhookRepository {
 public:
  // Stores a verified event (status: what a message.status event says); false when its
  // meta.messageId is stored already (a duplicate or a replay: only its delivery count grows).
  // applied_outcome set: stored as applied at once.
  static bool store_event(pqxx::work& tx, const std::string& event_id,
                          const std::string& event_type, const std::optional<WebhookStatus>& status,
                          const std::string& raw_body,
                          const std::optional<std::string>& applied_outcome);

  static void record_rejection(pqxx::work& tx, const std::string& reason, std::int64_t body_bytes,
                               const std::string& body_sha256);

  // Events never looked at (outcome NULL), oldest first, locked SKIP LOCKED.
  static std::vector<UnappliedWebhook> lock_new_events(pqxx::work& tx, int limit);
  // Events still waiting for their Metriport message id to be recorded, oldest first.
  static std::vector<UnappliedWebhook> lock_waiting_events(pqxx::work& tx, int limit);
  // The unapplied events naming a Metriport message id, locked (waiting for other lockers).
  static std::vector<UnappliedWebhook> lock_events_for_message(
      pqxx::work& tx, const std::string& metriport_message_id);

  static void mark_applied(pqxx::work& tx, std::int64_t event_id, const std::string& outcome);
  // Not applicable yet: the send naming that id is not recorded.
  static void mark_waiting(pqxx::work& tx, std::int64_t event_id);
};

}  // namespace relay::pg
