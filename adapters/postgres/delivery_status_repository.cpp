// The lifecycle SQL after Metriport accepted a send; every statement is keyed by id and guarded by
// the state it expects, so a duplicate or late event changes nothing.
#include "adapters/postgres/delivery_status_repository.hpp"

#include "adapters/postgres/message_rows.hpp"
#include "adapters/postgres/prepared.hpp"

namespace relay::pg {
namespace {

// One Metriport id's recording and its webhooks' application, serialised (key space 0x5e4d).
constexpr const char* metriport_id_serialised = "SELECT pg_advisory_xact_lock(24141, hashtext($1))";

// The same lock, taken for each row the UPDATE changed (one or none). The webhook's side reads
// again after the lock, and so does the recording's next statement: either order of the write and
// the lock inside this transaction works, as the lock is held until it commits.
constexpr const char* send_id_recorded_serialised = R"sql(
WITH recorded AS (
  UPDATE delivery_sends
  SET status = 'processing', metriport_message_id = $2, sent_at = now(), updated_at = now()
  WHERE id = $1 AND status IN ('pending', 'sending')
  RETURNING id)
SELECT pg_advisory_xact_lock(24141, hashtext($2)) FROM recorded)sql";

constexpr const char* send_lock_by_metriport_id = R"sql(
SELECT id, delivery_id, part, parts, status FROM delivery_sends
WHERE metriport_message_id = $1 FOR UPDATE)sql";

constexpr const char* send_set_outcome = R"sql(
UPDATE delivery_sends
SET status = $2, reason = $3, completed_at = $4::timestamptz, updated_at = now()
WHERE id = $1 AND status NOT IN ('completed', 'failed'))sql";

constexpr const char* delivery_lock_for_settle = R"sql(
SELECT state, attempts, message_id::text FROM deliveries WHERE id = $1 FOR UPDATE)sql";

constexpr const char* delivery_send_outcomes =
    "SELECT status, reason FROM delivery_sends WHERE delivery_id = $1 ORDER BY part";

constexpr const char* message_lock = "SELECT 1 FROM messages WHERE id = $1::uuid FOR UPDATE";

constexpr const char* message_mark_sent = R"sql(
UPDATE messages m
SET portal_status = 'Sent', updated_at = now(),
    sent_date = coalesce((SELECT max(s.completed_at) FROM delivery_sends s
                          JOIN deliveries d ON d.id = s.delivery_id
                          WHERE d.message_id = m.id), now())
WHERE m.id = $1::uuid AND m.portal_status = 'Draft'
  AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id AND d.state <> 'completed')
RETURNING extract(epoch FROM clock_timestamp() - (SELECT min(d.created_at) FROM deliveries d
                                                  WHERE d.message_id = m.id))::double precision)sql";

constexpr const char* deliveries_take_unconfirmed = R"sql(
UPDATE deliveries SET status_checked_at = now()
WHERE id IN (
  SELECT id FROM deliveries
  WHERE state = 'accepted'
    AND accepted_at < now() - $1::integer * interval '1 second'
    AND (status_checked_at IS NULL OR status_checked_at < now() - $1::integer * interval '1 second')
  ORDER BY coalesce(status_checked_at, accepted_at)
  LIMIT $2
  FOR UPDATE SKIP LOCKED)
RETURNING id)sql";

constexpr const char* delivery_processing_ids = R"sql(
SELECT metriport_message_id FROM delivery_sends
WHERE delivery_id = $1 AND status = 'processing' AND metriport_message_id IS NOT NULL
ORDER BY part)sql";

constexpr const char* deliveries_flag_unconfirmed = R"sql(
UPDATE deliveries SET flagged_at = now()
WHERE id IN (SELECT id FROM deliveries
             WHERE state = 'accepted' AND flagged_at IS NULL
               AND accepted_at < now() - $1::integer * interval '1 second'
             ORDER BY accepted_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
RETURNING id)sql";

std::vector<std::int64_t> ids_of(const pqxx::result& result) {
  std::vector<std::int64_t> ids;
  for (const auto& row : result) ids.push_back(row[0].as<std::int64_t>());
  return ids;
}

}  // namespace

void DeliveryStatusRepository::serialise_metriport_id(pqxx::work& tx,
                                                      const std::string& metriport_message_id) {
  tx.exec_params(metriport_id_serialised, metriport_message_id);
}

bool DeliveryStatusRepository::record_metriport_id(pqxx::work& tx, std::int64_t send_id,
                                                   const std::string& metriport_message_id) {
  return !exec_prepared(tx, send_id_recorded_serialised, send_id, metriport_message_id).empty();
}

std::optional<SendForStatus> DeliveryStatusRepository::lock_send(
    pqxx::work& tx, const std::string& metriport_message_id) {
  const auto rows = tx.exec_params(send_lock_by_metriport_id, metriport_message_id);
  if (rows.empty()) return std::nullopt;
  const auto& row = rows[0];
  return SendForStatus{row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<int>(),
                       row[3].as<int>(), row[4].as<std::string>()};
}

void DeliveryStatusRepository::set_send_outcome(pqxx::work& tx, std::int64_t send_id,
                                                const std::string& status,
                                                const std::optional<std::string>& reason,
                                                const std::string& completed_at) {
  tx.exec_params0(send_set_outcome, send_id, status, reason, completed_at);
}

std::optional<DeliveryForSettle> DeliveryStatusRepository::lock_delivery(pqxx::work& tx,
                                                                         std::int64_t delivery_id) {
  const auto rows = tx.exec_params(delivery_lock_for_settle, delivery_id);
  if (rows.empty()) return std::nullopt;
  return DeliveryForSettle{rows[0][0].as<std::string>(), rows[0][1].as<int>(),
                           rows[0][2].as<std::string>()};
}

std::vector<SendOutcome> DeliveryStatusRepository::send_outcomes(pqxx::work& tx,
                                                                 std::int64_t delivery_id) {
  std::vector<SendOutcome> outcomes;
  for (const auto& row : tx.exec_params(delivery_send_outcomes, delivery_id)) {
    outcomes.push_back({row[0].as<std::string>(), nullable<std::string>(row[1])});
  }
  return outcomes;
}

void DeliveryStatusRepository::lock_message(pqxx::work& tx, const std::string& message_id) {
  tx.exec_params(message_lock, message_id);
}

std::optional<double> DeliveryStatusRepository::mark_message_sent_if_complete(
    pqxx::work& tx, const std::string& message_id) {
  const auto result = tx.exec_params(message_mark_sent, message_id);
  if (result.empty()) return std::nullopt;
  return result[0][0].is_null() ? 0.0 : result[0][0].as<double>();
}

std::vector<std::int64_t> DeliveryStatusRepository::take_unconfirmed(pqxx::work& tx,
                                                                     int age_seconds, int limit) {
  return ids_of(tx.exec_params(deliveries_take_unconfirmed, age_seconds, limit));
}

std::vector<std::string> DeliveryStatusRepository::processing_message_ids(
    pqxx::work& tx, std::int64_t delivery_id) {
  std::vector<std::string> ids;
  for (const auto& row : tx.exec_params(delivery_processing_ids, delivery_id)) {
    ids.push_back(row[0].as<std::string>());
  }
  return ids;
}

std::vector<std::int64_t> DeliveryStatusRepository::flag_unconfirmed(pqxx::work& tx,
                                                                     int age_seconds) {
  return ids_of(tx.exec_params(deliveries_flag_unconfirmed, age_seconds));
}

}  // namespace relay::pg
