// The inspection's SQL: one statement per part of the message, all in one snapshot (a plain read)
// or, for a reveal, one read-write transaction whose audit event commits with what it disclosed.
#include "adapters/postgres/message_inspection_store.hpp"

#include <boost/json.hpp>

#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/message_rows.hpp"

namespace relay::pg {
namespace {

#define RELAY_PG_INSPECTED_MESSAGE_COLUMNS                                                    \
  "m.id::text, v.name, m.external_id, m.from_external_id, m.portal_status, "                  \
  "m.requested_status, m.priority, m.destination, array_to_string(m.intended_recipient_npi, " \
  "','), (extract(epoch FROM m.creation_date) * 1000000)::bigint, "                           \
  "(extract(epoch FROM m.sent_date) * 1000000)::bigint, "                                     \
  "(extract(epoch FROM m.updated_at) * 1000000)::bigint"

constexpr const char* message_by_id = "SELECT " RELAY_PG_INSPECTED_MESSAGE_COLUMNS
                                      " FROM messages m JOIN vendors v ON v.id = m.vendor_id"
                                      " WHERE m.id = $1::uuid";

constexpr const char* message_by_vendor_and_external_id =
    "SELECT " RELAY_PG_INSPECTED_MESSAGE_COLUMNS
    " FROM messages m JOIN vendors v ON v.id = m.vendor_id"
    " WHERE v.name = $1 AND m.external_id = $2";

constexpr const char* message_content =
    "SELECT subject, body, from_name FROM messages WHERE id = $1::uuid";

constexpr const char* message_patients = R"sql(
SELECT position, external_id, is_representative, representative_external_id
FROM message_patients WHERE message_id = $1::uuid ORDER BY position)sql";

constexpr const char* message_files = R"sql(
SELECT position, file_name, content_type, size_bytes, sha256
FROM attachments WHERE message_id = $1::uuid ORDER BY position)sql";

constexpr const char* message_file_contents =
    "SELECT position, content FROM attachments WHERE message_id = $1::uuid ORDER BY position";

constexpr const char* message_deliveries = R"sql(
SELECT id, patient_position, patient_external_id, state, attempts, metriport_patient_id,
       last_error, flagged_at IS NOT NULL,
       (extract(epoch FROM next_attempt_at) * 1000000)::bigint,
       (extract(epoch FROM accepted_at) * 1000000)::bigint,
       (extract(epoch FROM completed_at) * 1000000)::bigint,
       (extract(epoch FROM created_at) * 1000000)::bigint,
       (extract(epoch FROM updated_at) * 1000000)::bigint
FROM deliveries WHERE message_id = $1::uuid ORDER BY patient_position)sql";

constexpr const char* message_sends = R"sql(
SELECT s.delivery_id, s.part, s.parts, s.metriport_message_id, s.status, s.reason,
       (extract(epoch FROM s.first_attempt_at) * 1000000)::bigint,
       (extract(epoch FROM s.sent_at) * 1000000)::bigint,
       (extract(epoch FROM s.completed_at) * 1000000)::bigint
FROM delivery_sends s JOIN deliveries d ON d.id = s.delivery_id
WHERE d.message_id = $1::uuid ORDER BY d.patient_position, s.part)sql";

// The message's events and its deliveries', each through audit_events_entity_idx.
constexpr const char* message_audit_events = R"sql(
SELECT e.id, (extract(epoch FROM e.occurred_at) * 1000000)::bigint, e.actor, e.entity_type,
       e.entity_id, e.event, e.detail::text
FROM (SELECT a.* FROM audit_events a
      WHERE a.entity_type = 'message' AND a.entity_id = $1
      UNION ALL
      SELECT a.* FROM deliveries d
      JOIN audit_events a ON a.entity_type = 'delivery' AND a.entity_id = d.id::text
      WHERE d.message_id = $1::uuid) e
ORDER BY e.occurred_at, e.id LIMIT $2)sql";

// Webhooks naming one of the message's Metriport message ids (never the payload).
constexpr const char* message_webhooks = R"sql(
SELECT w.id, w.metriport_event_id, w.event_type, w.metriport_message_id,
       (extract(epoch FROM w.received_at) * 1000000)::bigint,
       (extract(epoch FROM w.applied_at) * 1000000)::bigint, w.outcome, w.deliveries
FROM deliveries d
JOIN delivery_sends s ON s.delivery_id = d.id
JOIN webhook_events w ON w.metriport_message_id = s.metriport_message_id
WHERE d.message_id = $1::uuid ORDER BY w.received_at, w.id)sql";

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start < text.size()) {
    auto comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

std::optional<MessageInspection> read_message(pqxx::transaction_base& tx,
                                              const MessageLocator& where) {
  const auto result =
      where.id ? tx.exec_params(message_by_id, *where.id)
               : tx.exec_params(message_by_vendor_and_external_id, where.vendor.value_or(""),
                                where.external_id.value_or(""));
  if (result.empty()) return std::nullopt;
  const auto row = result[0];
  MessageInspection message;
  message.id = row[0].as<std::string>();
  message.vendor = row[1].as<std::string>();
  message.external_id = row[2].as<std::string>();
  message.from_external_id = row[3].as<std::string>();
  message.portal_status = row[4].as<std::string>();
  message.requested_status = row[5].as<std::string>();
  message.priority = row[6].as<int>();
  message.destination = row[7].as<std::string>();
  message.intended_recipient_npi = split_commas(row[8].as<std::string>());
  message.creation_date = row[9].as<std::int64_t>();
  message.sent_date = nullable<std::int64_t>(row[10]);
  message.updated_at = row[11].as<std::int64_t>();
  return message;
}

void read_parts(pqxx::transaction_base& tx, MessageInspection& message, bool reveal) {
  for (const auto& row : tx.exec_params(message_patients, message.id)) {
    message.patients.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<bool>(),
                                nullable<std::string>(row[3])});
  }
  for (const auto& row : tx.exec_params(message_files, message.id)) {
    message.files.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>(),
                             row[3].as<std::int64_t>(), row[4].as<std::string>(), std::nullopt});
  }
  for (const auto& row : tx.exec_params(message_deliveries, message.id)) {
    InspectedDelivery delivery;
    delivery.id = row[0].as<std::int64_t>();
    delivery.patient_position = row[1].as<int>();
    delivery.patient_external_id = row[2].as<std::string>();
    delivery.state = row[3].as<std::string>();
    delivery.attempts = row[4].as<int>();
    delivery.metriport_patient_id = nullable<std::string>(row[5]);
    delivery.has_error = !row[6].is_null();
    if (reveal) delivery.last_error = nullable<std::string>(row[6]);
    delivery.flagged = row[7].as<bool>();
    delivery.next_attempt_at = nullable<std::int64_t>(row[8]);
    delivery.accepted_at = nullable<std::int64_t>(row[9]);
    delivery.completed_at = nullable<std::int64_t>(row[10]);
    delivery.created_at = row[11].as<std::int64_t>();
    delivery.updated_at = row[12].as<std::int64_t>();
    message.deliveries.push_back(std::move(delivery));
  }
  for (const auto& row : tx.exec_params(message_sends, message.id)) {
    InspectedSend send;
    send.delivery_id = row[0].as<std::int64_t>();
    send.part = row[1].as<int>();
    send.parts = row[2].as<int>();
    send.metriport_message_id = nullable<std::string>(row[3]);
    send.status = row[4].as<std::string>();
    if (reveal) send.reason = nullable<std::string>(row[5]);
    send.first_attempt_at = nullable<std::int64_t>(row[6]);
    send.sent_at = nullable<std::int64_t>(row[7]);
    send.completed_at = nullable<std::int64_t>(row[8]);
    message.sends.push_back(std::move(send));
  }
  for (const auto& row :
       tx.exec_params(message_audit_events, message.id, max_inspected_events + 1)) {
    if (static_cast<int>(message.audit_events.size()) == max_inspected_events) {
      message.audit_events_truncated = true;
      break;
    }
    message.audit_events.push_back({row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                                    row[2].as<std::string>(), row[3].as<std::string>(),
                                    row[4].as<std::string>(), row[5].as<std::string>(),
                                    row[6].as<std::string>()});
  }
  for (const auto& row : tx.exec_params(message_webhooks, message.id)) {
    message.webhooks.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(),
                                row[2].as<std::string>(), nullable<std::string>(row[3]),
                                row[4].as<std::int64_t>(), nullable<std::int64_t>(row[5]),
                                nullable<std::string>(row[6]), row[7].as<int>()});
  }
}

void read_revealed(pqxx::transaction_base& tx, MessageInspection& message) {
  const auto content = tx.exec_params1(message_content, message.id);
  message.revealed =
      RevealedContent{nullable<std::string>(content[0]), nullable<std::string>(content[1]),
                      nullable<std::string>(content[2])};
  for (const auto& row : tx.exec_params(message_file_contents, message.id)) {
    const int position = row[0].as<int>();
    for (auto& file : message.files) {
      if (file.position == position) file.content = bytea_from_field(row[1]);
    }
  }
}

// The names of what a reveal discloses, never the values.
std::string reveal_detail() {
  boost::json::array fields;
  for (const char* field : revealed_fields) fields.emplace_back(field);
  return boost::json::serialize(boost::json::object{{"revealed", std::move(fields)}});
}

}  // namespace

boost::asio::awaitable<std::optional<MessageInspection>> MessageInspectionStore::inspect(
    const MessageLocator& where, const std::optional<std::string>& reveal_actor) {
  co_return co_await pool_.run(
      [&where, &reveal_actor](pqxx::connection& connection) -> std::optional<MessageInspection> {
        if (!reveal_actor) {
          SnapshotRead tx(connection);
          auto message = read_message(tx, where);
          if (message) read_parts(tx, *message, false);
          tx.commit();
          return message;
        }
        // The reveal is recorded before anything is disclosed, and commits with the read: no
        // answer carries PHI whose reveal was not recorded.
        pqxx::work tx(connection);
        auto message = read_message(tx, where);
        if (!message) return std::nullopt;
        append_audit_event(
            tx, {*reveal_actor, "message", message->id, "message.revealed", reveal_detail()});
        read_parts(tx, *message, true);
        read_revealed(tx, *message);
        tx.commit();
        return message;
      });
}

}  // namespace relay::pg
