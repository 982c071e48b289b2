// One message as operators inspect it: metadata, patients, files, deliveries with their Metriport
// sends, audit events and webhooks. PHI (subject, body, sender name, file bytes, Metriport's free
// text) is read only for a reveal, which writes its audit event in the same transaction first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/domain/message.hpp"

namespace relay::pg {

// Which message: by id, or by vendor name and portal ExternalId.
struct MessageLocator {
  std::optional<std::string> id;
  std::optional<std::string> vendor;
  std::optional<std::string> external_id;
};

struct InspectedPatient {
  int position = 0;
  std::string external_id;
  bool is_representative = false;
  std::optional<std::string> representative_external_id;
};

struct InspectedFile {
  int position = 0;
  std::string file_name;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::string sha256;
  std::optional<std::string> content;  // revealed only
};

struct InspectedSend {
  std::int64_t delivery_id = 0;
  int part = 1;
  int parts = 1;
  std::optional<std::string> metriport_message_id;
  std::string status;
  std::optional<std::string> reason;  // Metriport's text: revealed only
  std::optional<domain::EpochMicros> first_attempt_at;
  std::optional<domain::EpochMicros> sent_at;
  std::optional<domain::EpochMicros> completed_at;
};

struct InspectedDelivery {
  std::int64_t id = 0;
  int patient_position = 0;
  std::string patient_external_id;
  std::string state;
  int attempts = 0;
  std::optional<std::string> metriport_patient_id;
  bool has_error = false;
  std::optional<std::string> last_error;  // may quote Metriport's free text: revealed only
  bool flagged = false;
  std::optional<domain::EpochMicros> next_attempt_at;
  std::optional<domain::EpochMicros> accepted_at;
  std::optional<domain::EpochMicros> completed_at;
  domain::EpochMicros created_at = 0;
  domain::EpochMicros updated_at = 0;
};

struct InspectedAuditEvent {
  std::int64_t id = 0;
  domain::EpochMicros at = 0;
  std::string actor;
  std::string entity_type;
  std::string entity_id;
  std::string event;
  std::string detail_json;
};

struct InspectedWebhook {
  std::int64_t id = 0;
  std::string event_id;
  std::string event_type;
  std::optional<std::string> metriport_message_id;
  domain::EpochMicros received_at = 0;
  std::optional<domain::EpochMicros> applied_at;
  std::optional<std::string> outcome;
  int deliveries = 1;
};

// The message's own PHI, present only after a reveal.
struct RevealedContent {
  std::optional<std::string> subject;
  std::optional<std::string> body;
  std::optional<std::string> from_name;
};

struct MessageInspection {
  std::string id;
  std::string vendor;
  std::string external_id;
  std::string from_external_id;
  std::string portal_status;
  std::string requested_status;
  int priority = 1;
  std::string destination;
  std::vector<std::string> intended_recipient_npi;
  domain::EpochMicros creation_date = 0;
  std::optional<domain::EpochMicros> sent_date;
  domain::EpochMicros updated_at = 0;
  std::vector<InspectedPatient> patients;
  std::vector<InspectedFile> files;
  std::vector<InspectedDelivery> deliveries;
  std::vector<InspectedSend> sends;
  std::vector<InspectedAuditEvent> audit_events;  // oldest first, at most max_inspected_events
  bool audit_events_truncated = false;
  std::vector<InspectedWebhook> webhooks;
  std::optional<RevealedContent> revealed;
};

inline constexpr int max_inspected_events = 5000;

// What a reveal discloses (recorded in its audit event).
inline constexpr const char* revealed_fields[] = {
    "subject", "body", "from_name", "patient_external_ids", "file_contents", "error_texts"};

class MessageInspectionStore {
 public:
  explicit MessageInspectionStore(ConnectionPool& pool) : pool_(pool) {}

  // nullopt when no message matches. reveal_actor set: audit event "message.revealed" (that actor,
  // the message id, what was revealed) appended and committed with the read, PHI included.
  boost::asio::awaitable<std::optional<MessageInspection>> inspect(
      const MessageLocator& where, const std::optional<std::string>& reveal_actor);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
