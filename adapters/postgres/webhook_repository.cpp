// The webhook inbox's SQL. An event is inserted once (ON CONFLICT on meta.messageId counts the
// duplicate instead); applied_at stays NULL while the event waits for its Metriport message id.
#include "adapters/postgres/webhook_repository.hpp"

#include "adapters/postgres/message_rows.hpp"

namespace relay::pg {
namespace {

constexpr const char* webhook_event_insert = R"sql(
INSERT INTO webhook_events (metriport_event_id, event_type, metriport_message_id, status,
                            completed_at, status_reason, payload, outcome, applied_at)
VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7::jsonb, $8,
        CASE WHEN $8::text IS NULL THEN NULL ELSE now() END)
ON CONFLICT (metriport_event_id) DO NOTHING
RETURNING id)sql";

constexpr const char* webhook_event_count_duplicate = R"sql(
UPDATE webhook_events SET deliveries = deliveries + 1 WHERE metriport_event_id = $1)sql";

constexpr const char* webhook_rejection_insert = R"sql(
INSERT INTO webhook_rejections (reason, body_bytes, body_sha256) VALUES ($1, $2, $3))sql";

#define RELAY_PG_WEBHOOK_COLUMNS \
  "id, event_type, metriport_message_id, status, completed_at::text, status_reason"

constexpr const char* webhook_events_new = "SELECT " RELAY_PG_WEBHOOK_COLUMNS R"sql(
FROM webhook_events WHERE applied_at IS NULL AND outcome IS NULL
ORDER BY received_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)sql";

// Only events whose id has meanwhile been recorded: events for messages the gateway never sent
// (another user of the account, an unadopted duplicate) stay waiting without blocking the rest.
constexpr const char* webhook_events_waiting = "SELECT " RELAY_PG_WEBHOOK_COLUMNS R"sql(
FROM webhook_events w WHERE applied_at IS NULL AND outcome = 'waiting'
  AND EXISTS (SELECT 1 FROM delivery_sends s WHERE s.metriport_message_id = w.metriport_message_id)
ORDER BY received_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)sql";

constexpr const char* webhook_events_for_message = "SELECT " RELAY_PG_WEBHOOK_COLUMNS R"sql(
FROM webhook_events WHERE metriport_message_id = $1 AND applied_at IS NULL
ORDER BY received_at, id FOR UPDATE)sql";

constexpr const char* webhook_event_applied =
    "UPDATE webhook_events SET applied_at = now(), outcome = $2 WHERE id = $1";

constexpr const char* webhook_event_waiting =
    "UPDATE webhook_events SET outcome = 'waiting' WHERE id = $1";

std::vector<UnappliedWebhook> rows_of(const pqxx::result& result) {
  std::vector<UnappliedWebhook> events;
  for (const auto& row : result) {
    UnappliedWebhook event{row[0].as<std::int64_t>(), row[1].as<std::string>(),
                           nullable<std::string>(row[2]), std::nullopt};
    if (event.metriport_message_id && !row[3].is_null() && !row[4].is_null()) {
      event.status = WebhookStatus{*event.metriport_message_id, row[3].as<std::string>(),
                                   row[4].as<std::string>(), nullable<std::string>(row[5])};
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace

bool WebhookRepository::store_event(pqxx::work& tx, const std::string& event_id,
                                    const std::string& event_type,
                                    const std::optional<WebhookStatus>& status,
                                    const std::string& raw_body,
                                    const std::optional<std::string>& applied_outcome) {
  std::optional<std::string> metriport_message_id, state, completed_at, reason;
  if (status) {
    metriport_message_id = status->metriport_message_id;
    state = status->status;
    completed_at = status->completed_at;
    reason = status->reason;
  }
  const auto inserted =
      tx.exec_params(webhook_event_insert, event_id, event_type, metriport_message_id, state,
                     completed_at, reason, raw_body, applied_outcome);
  if (!inserted.empty()) return true;
  tx.exec_params0(webhook_event_count_duplicate, event_id);
  return false;
}

void WebhookRepository::record_rejection(pqxx::work& tx, const std::string& reason,
                                         std::int64_t body_bytes, const std::string& body_sha256) {
  tx.exec_params0(webhook_rejection_insert, reason, body_bytes, body_sha256);
}

std::vector<UnappliedWebhook> WebhookRepository::lock_new_events(pqxx::work& tx, int limit) {
  return rows_of(tx.exec_params(webhook_events_new, limit));
}

std::vector<UnappliedWebhook> WebhookRepository::lock_waiting_events(pqxx::work& tx, int limit) {
  return rows_of(tx.exec_params(webhook_events_waiting, limit));
}

std::vector<UnappliedWebhook> WebhookRepository::lock_events_for_message(
    pqxx::work& tx, const std::string& metriport_message_id) {
  return rows_of(tx.exec_params(webhook_events_for_message, metriport_message_id));
}

void WebhookRepository::mark_applied(pqxx::work& tx, std::int64_t event_id,
                                     const std::string& outcome) {
  tx.exec_params0(webhook_event_applied, event_id, outcome);
}

void WebhookRepository::mark_waiting(pqxx::work& tx, std::int64_t event_id) {
  tx.exec_params0(webhook_event_waiting, event_id);
}

}  // namespace relay::pg
