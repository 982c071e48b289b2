// SQL for storing outgoing messages: insert with patients, files and deliveries, draft replacement,
// lookup by ExternalId with file bytes, and the audit trail. Search lives in message_search.cpp.
#include "adapters/postgres/message_repository.hpp"

#include <stdexcept>

#include "adapters/postgres/array_literal.hpp"
#include "adapters/postgres/message_rows.hpp"
#include "adapters/postgres/prepared.hpp"

namespace relay::pg {
namespace {

constexpr const char* message_lock_by_external_id = R"sql(
SELECT id::text, requested_status, content_hash,
       (extract(epoch FROM creation_date) * 1000000)::bigint
FROM messages
WHERE vendor_id = $1 AND external_id = $2
FOR UPDATE)sql";

constexpr const char* message_insert = R"sql(
INSERT INTO messages (vendor_id, external_id, from_external_id, from_name, subject, body,
                      relay_subject, relay_body, requested_status, priority, destination,
                      intended_recipient_npi, content_hash)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::text[], $13)
RETURNING id::text, (extract(epoch FROM creation_date) * 1000000)::bigint)sql";

// Refuses (no row updated) once any delivery has left 'draft': relayed content is never rewritten.
constexpr const char* message_replace_draft = R"sql(
UPDATE messages
SET from_external_id = $2, from_name = $3, subject = $4, body = $5, relay_subject = $6,
    relay_body = $7, requested_status = $8, priority = $9, destination = $10,
    intended_recipient_npi = $11::text[], content_hash = $12, updated_at = now()
WHERE id = $1::uuid
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id AND d.state <> 'draft')
)sql";

constexpr const char* message_patients_delete =
    "DELETE FROM message_patients WHERE message_id = $1::uuid";
constexpr const char* attachments_delete = "DELETE FROM attachments WHERE message_id = $1::uuid";
constexpr const char* deliveries_delete = "DELETE FROM deliveries WHERE message_id = $1::uuid";

// Positions are 0-based, in the order the vendor listed the patients.
constexpr const char* message_patients_insert = R"sql(
INSERT INTO message_patients (message_id, position, external_id, is_representative,
                              representative_external_id)
SELECT $1::uuid, p.ordinality - 1, p.external_id, p.is_representative, p.representative_external_id
FROM unnest($2::text[], $3::boolean[], $4::text[]) WITH ORDINALITY
     AS p(external_id, is_representative, representative_external_id, ordinality))sql";

// $7 is sent as a binary-format parameter (pqxx::binarystring): the bytes go over the wire as they
// are, with no text encoding on either side.
constexpr const char* attachment_insert = R"sql(
INSERT INTO attachments (message_id, position, file_name, content_type, size_bytes, sha256, content)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7))sql";

// One delivery per stored patient; vendor and priority copied from the message for the claim query.
constexpr const char* deliveries_insert_for_message = R"sql(
INSERT INTO deliveries (message_id, vendor_id, patient_position, patient_external_id, priority,
                        state)
SELECT m.id, m.vendor_id, p.position, p.external_id, m.priority, $2
FROM messages m
JOIN message_patients p ON p.message_id = m.id
WHERE m.id = $1::uuid)sql";

constexpr const char* deliveries_notify = "SELECT pg_notify($1, $2)";

constexpr const char* message_find_by_external_id =
    "SELECT " RELAY_PG_MESSAGE_COLUMNS
    " FROM messages m WHERE m.vendor_id = $1 AND m.external_id = $2";

// content arrives in bytea's text form (hex); bytea_from_field decodes it. NULL: purged.
constexpr const char* attachment_contents_for_message = R"sql(
SELECT file_name, content
FROM attachments
WHERE message_id = $1::uuid
ORDER BY position)sql";

constexpr const char* audit_event_insert = R"sql(
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
VALUES ($1, $2, $3, $4, $5::jsonb))sql";

const char* text_or_null(const std::optional<std::string>& value) {
  return value ? value->c_str() : nullptr;
}

// Patients, attachments and deliveries of a message row that has none yet; true when deliveries
// were queued (the caller wakes the relay once the transaction has committed).
bool insert_children(pqxx::work& tx, const std::string& message_id,
                     const domain::ValidatedMessage& message) {
  std::vector<std::string> external_ids;
  std::vector<bool> representative_flags;
  std::vector<std::optional<std::string>> representatives;
  for (const auto& patient : message.patients) {
    external_ids.push_back(patient.external_id);
    representative_flags.push_back(patient.is_representative);
    representatives.push_back(patient.representative_external_id);
  }
  tx.exec_params0(message_patients_insert, message_id, text_array_literal(external_ids),
                  bool_array_literal(representative_flags), text_array_literal(representatives));

  int position = 0;
  for (const auto& attachment : message.attachments) {
    tx.exec_params0(attachment_insert, message_id, position++, attachment.file_name,
                    attachment.content_type, static_cast<std::int64_t>(attachment.bytes.size()),
                    attachment.sha256_hex, pqxx::binarystring(attachment.bytes));
  }

  const bool queue = message.status == domain::RequestedStatus::sent;
  const auto deliveries =
      tx.exec_params0(deliveries_insert_for_message, message_id, queue ? "queued" : "draft");
  return queue && deliveries.affected_rows() > 0;
}

}  // namespace

std::optional<ExistingMessage> MessageRepository::lock_by_external_id(
    pqxx::work& tx, std::int64_t vendor_id, const std::string& external_id) {
  const auto result = tx.exec_params(message_lock_by_external_id, vendor_id, external_id);
  if (result.empty()) return std::nullopt;
  ExistingMessage existing;
  existing.id = result[0][0].as<std::string>();
  existing.requested_status =
      domain::parse_status(result[0][1].as<std::string>()).value_or(domain::RequestedStatus::draft);
  existing.content_hash = result[0][2].as<std::string>();
  existing.creation_date = result[0][3].as<domain::EpochMicros>();
  return existing;
}

InsertedMessage MessageRepository::insert(pqxx::work& tx, std::int64_t vendor_id,
                                          const domain::ValidatedMessage& message) {
  const auto row = tx.exec_params1(
      message_insert, vendor_id, message.external_id, message.from_external_id,
      text_or_null(message.from_name), text_or_null(message.subject), text_or_null(message.body),
      message.relay_subject, text_or_null(message.relay_body), domain::to_string(message.status),
      priority_to_column(message.priority), message.route.destination,
      text_array_literal(message.route.intended_recipient_npi), message.content_hash);
  InsertedMessage inserted{row[0].as<std::string>(), row[1].as<domain::EpochMicros>()};
  inserted.queued_deliveries = insert_children(tx, inserted.id, message);
  return inserted;
}

bool MessageRepository::replace_draft(pqxx::work& tx, const std::string& message_id,
                                      const domain::ValidatedMessage& message) {
  const auto updated = tx.exec_params0(
      message_replace_draft, message_id, message.from_external_id, text_or_null(message.from_name),
      text_or_null(message.subject), text_or_null(message.body), message.relay_subject,
      text_or_null(message.relay_body), domain::to_string(message.status),
      priority_to_column(message.priority), message.route.destination,
      text_array_literal(message.route.intended_recipient_npi), message.content_hash);
  if (updated.affected_rows() != 1) {
    throw std::logic_error("replace_draft: message " + message_id +
                           " does not exist or has deliveries past draft");
  }
  tx.exec_params0(deliveries_delete, message_id);
  tx.exec_params0(attachments_delete, message_id);
  tx.exec_params0(message_patients_delete, message_id);
  return insert_children(tx, message_id, message);
}

void notify_relay(pqxx::connection& connection, const std::string& message_id) {
  pqxx::nontransaction tx(connection);
  tx.exec_params(deliveries_notify, delivery_channel, message_id);
}

std::optional<domain::StoredMessage> MessageRepository::find_by_external_id(
    pqxx::transaction_base& tx, std::int64_t vendor_id, const std::string& external_id) {
  const auto result = tx.exec_params(message_find_by_external_id, vendor_id, external_id);
  if (result.empty()) return std::nullopt;
  std::vector<domain::StoredMessage> messages{message_from_row(result[0])};
  load_patients(tx, messages);
  domain::StoredMessage& message = messages.front();
  for (const auto& row : tx.exec_params(attachment_contents_for_message, message.id)) {
    // NULL once retention purged the bytes: the file is listed by name with no content.
    std::optional<std::string> bytes;
    if (!row[1].is_null()) bytes = bytea_from_field(row[1]);
    message.files.push_back({row[0].as<std::string>(), std::move(bytes)});
  }
  return std::move(message);
}

void append_audit_event(pqxx::work& tx, const AuditEvent& event) {
  exec_prepared0(tx, audit_event_insert, event.actor, event.entity_type, event.entity_id,
                 event.event, event.detail_json);
}

}  // namespace relay::pg
