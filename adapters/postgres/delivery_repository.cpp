// The relay engine's SQL, one named constant per statement; state changes are guarded by the state
// (and lease holder) they start from, so a lost lease or a concurrent change is detected, not
// undone.
#include "adapters/postgres/delivery_repository.hpp"

#include <stdexcept>

#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/message_rows.hpp"
#include "adapters/postgres/prepared.hpp"

namespace relay::pg {
namespace {

constexpr const char* delivery_sends_of = R"sql(
SELECT id, part, parts, metriport_message_id, status,
       (extract(epoch FROM first_attempt_at) * 1000000)::bigint
FROM delivery_sends WHERE delivery_id = $1 ORDER BY part)sql";

constexpr const char* delivery_documents_of = R"sql(
SELECT id, attachment_id, metriport_document_id, uploaded_at IS NOT NULL
FROM delivery_documents WHERE delivery_id = $1 ORDER BY attachment_id NULLS FIRST)sql";

constexpr const char* deliveries_expired_leases = R"sql(
SELECT id, state, attempts FROM deliveries
WHERE state IN ('resolving', 'uploading', 'sending') AND locked_until < clock_timestamp()
ORDER BY locked_until
LIMIT $1
FOR UPDATE SKIP LOCKED)sql";

constexpr const char* delivery_apply_change = R"sql(
UPDATE deliveries SET
  state = $3,
  locked_by = CASE $5 WHEN 'take' THEN $6 WHEN 'release' THEN NULL ELSE locked_by END,
  locked_until = CASE $5
    WHEN 'take' THEN clock_timestamp() + $7::integer * interval '1 second'
    WHEN 'release' THEN NULL ELSE locked_until END,
  attempts = CASE WHEN $8::boolean THEN 0 WHEN $9::boolean THEN attempts + 1 ELSE attempts END,
  next_attempt_at = CASE WHEN $8::boolean THEN NULL WHEN $10::bigint IS NULL THEN next_attempt_at
    ELSE clock_timestamp() + $10::bigint * interval '1 microsecond' END,
  last_error = CASE WHEN $8::boolean THEN NULL ELSE coalesce($11, last_error) END,
  accepted_at = CASE WHEN $12::boolean THEN now() ELSE accepted_at END,
  completed_at = CASE WHEN $13::boolean THEN now() ELSE completed_at END,
  metriport_patient_id = coalesce($14, metriport_patient_id),
  updated_at = now()
WHERE id = $1 AND state = $2 AND ($4::text IS NULL OR locked_by = $4)
RETURNING attempts)sql";

constexpr const char* delivery_extend_lease = R"sql(
UPDATE deliveries SET locked_until = clock_timestamp() + $3::integer * interval '1 second'
WHERE id = $1 AND locked_by = $2 AND state IN ('resolving', 'uploading', 'sending'))sql";

constexpr const char* delivery_sends_ensure_sending = R"sql(
WITH created AS (
  INSERT INTO delivery_sends (delivery_id, part, parts, status, first_attempt_at)
  SELECT $1, part, $2, CASE WHEN part = $3 THEN 'sending' ELSE 'pending' END,
         CASE WHEN part = $3 THEN clock_timestamp() END
  FROM generate_series(1, $2) AS part
  ON CONFLICT (delivery_id, part) DO NOTHING
  RETURNING part)
SELECT EXISTS (SELECT 1 FROM created WHERE part = $3))sql";

// The fence of every send: the lease is renewed (so it outlives the request) only if this claim
// still holds it; the part is marked only then.
constexpr const char* delivery_lease_fence = R"sql(
UPDATE deliveries SET locked_until = clock_timestamp() + $3::integer * interval '1 second'
WHERE id = $1 AND locked_by = $2 AND state = 'sending')sql";

constexpr const char* delivery_send_started = R"sql(
UPDATE delivery_sends
SET status = 'sending', first_attempt_at = coalesce(first_attempt_at, clock_timestamp()),
    updated_at = now()
WHERE id = $1 AND status IN ('pending', 'sending'))sql";

constexpr const char* delivery_send_pending = R"sql(
UPDATE delivery_sends s SET status = 'pending', updated_at = now()
FROM deliveries d
WHERE s.id = $2 AND s.status = 'sending' AND d.id = $1 AND d.locked_by = $3)sql";

constexpr const char* delivery_send_known_id =
    "SELECT EXISTS (SELECT 1 FROM delivery_sends WHERE metriport_message_id = $1)";

// A NULL attachment_id (the full-body document) has its own unique index, so the two cases upsert
// through different conflict targets.
constexpr const char* delivery_document_record_attachment = R"sql(
INSERT INTO delivery_documents (delivery_id, attachment_id, metriport_document_id)
VALUES ($1, $2, $3)
ON CONFLICT (delivery_id, attachment_id)
DO UPDATE SET metriport_document_id = excluded.metriport_document_id, uploaded_at = NULL,
              created_at = now())sql";

constexpr const char* delivery_document_record_full_body = R"sql(
INSERT INTO delivery_documents (delivery_id, attachment_id, metriport_document_id)
VALUES ($1, NULL, $2)
ON CONFLICT (delivery_id) WHERE attachment_id IS NULL
DO UPDATE SET metriport_document_id = excluded.metriport_document_id, uploaded_at = NULL,
              created_at = now())sql";

constexpr const char* delivery_document_uploaded = R"sql(
UPDATE delivery_documents SET uploaded_at = now()
WHERE delivery_id = $1 AND attachment_id IS NOT DISTINCT FROM $2::bigint
  AND metriport_document_id = $3)sql";

constexpr const char* attachment_content_by_id = "SELECT content FROM attachments WHERE id = $1";

constexpr const char* patient_cache_store = R"sql(
INSERT INTO patient_cache (external_id, metriport_patient_id) VALUES ($1, $2)
ON CONFLICT (external_id)
DO UPDATE SET metriport_patient_id = excluded.metriport_patient_id, resolved_at = now())sql";

const char* lease_word(LeaseChange lease) {
  switch (lease) {
    case LeaseChange::take_or_extend:
      return "take";
    case LeaseChange::release:
      return "release";
    case LeaseChange::keep:
      break;
  }
  return "keep";
}

}  // namespace

domain::DeliveryState delivery_state_of(const pqxx::field& field) {
  const auto state = domain::parse_delivery_state(field.as<std::string>());
  if (!state)
    throw std::runtime_error("deliveries.state holds a value outside its CHECK constraint");
  return *state;
}

domain::SendStatus send_status_of(const pqxx::field& field) {
  const auto status = domain::parse_send_status(field.as<std::string>());
  if (!status) {
    throw std::runtime_error("delivery_sends.status holds a value outside its CHECK constraint");
  }
  return *status;
}

std::vector<ExpiredLease> DeliveryRepository::lock_expired_leases(pqxx::work& tx, int limit) {
  std::vector<ExpiredLease> expired;
  for (const auto& row : exec_prepared(tx, deliveries_expired_leases, limit)) {
    expired.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<int>()});
  }
  return expired;
}

bool DeliveryRepository::apply(pqxx::work& tx, const DeliveryChange& change) {
  if (!update_state(tx, change)) return false;
  append_audit_event(tx, {change.actor, "delivery", std::to_string(change.delivery_id),
                          change.audit_event, change.audit_detail_json});
  return true;
}

bool DeliveryRepository::update_state(pqxx::work& tx, const DeliveryChange& change) {
  const auto updated = exec_prepared(
      tx, delivery_apply_change, change.delivery_id,
      std::string(domain::to_text(change.from_state)),
      std::string(domain::to_text(change.to_state)), change.lease_holder, lease_word(change.lease),
      change.new_lease_holder, static_cast<int>(change.lease_length.count()), change.reset_attempts,
      change.count_attempt,
      change.retry_delay ? std::optional<std::int64_t>(change.retry_delay->count()) : std::nullopt,
      change.reason, change.stamp_accepted, change.stamp_completed, change.metriport_patient_id);
  return !updated.empty();
}

bool DeliveryRepository::extend_lease(pqxx::work& tx, std::int64_t delivery_id,
                                      const std::string& instance, std::chrono::seconds lease) {
  return exec_prepared0(tx, delivery_extend_lease, delivery_id, instance,
                        static_cast<int>(lease.count()))
             .affected_rows() == 1;
}

std::vector<DeliverySendRow> DeliveryRepository::send_rows(const pqxx::result& rows) {
  std::vector<DeliverySendRow> sends;
  for (const auto& row : rows) {
    sends.push_back({row[0].as<std::int64_t>(), row[1].as<int>(), row[2].as<int>(),
                     nullable<std::string>(row[3]), send_status_of(row[4]),
                     nullable<std::int64_t>(row[5])});
  }
  return sends;
}

std::vector<DeliverySendRow> DeliveryRepository::sends_of(pqxx::transaction_base& tx,
                                                          std::int64_t delivery_id) {
  return send_rows(exec_prepared(tx, delivery_sends_of, delivery_id));
}

std::vector<DeliveryDocumentRow> DeliveryRepository::documents_of(pqxx::transaction_base& tx,
                                                                  std::int64_t delivery_id) {
  std::vector<DeliveryDocumentRow> documents;
  for (const auto& row : exec_prepared(tx, delivery_documents_of, delivery_id)) {
    documents.push_back({row[0].as<std::int64_t>(), nullable<std::int64_t>(row[1]),
                         row[2].as<std::string>(), row[3].as<bool>()});
  }
  return documents;
}

void DeliveryRepository::ensure_sends(pqxx::work& tx, std::int64_t delivery_id, int parts) {
  ensure_sends_starting(tx, delivery_id, parts, 0);
}

bool DeliveryRepository::ensure_sends_starting(pqxx::work& tx, std::int64_t delivery_id, int parts,
                                               int sending_part) {
  return exec_prepared1(tx, delivery_sends_ensure_sending, delivery_id, parts, sending_part)[0]
      .as<bool>();
}

bool DeliveryRepository::mark_part_started(pqxx::work& tx, std::int64_t send_id) {
  return exec_prepared0(tx, delivery_send_started, send_id).affected_rows() == 1;
}

bool DeliveryRepository::mark_send_started(pqxx::work& tx, std::int64_t delivery_id,
                                           std::int64_t send_id, const std::string& lease_token,
                                           std::chrono::seconds lease) {
  const auto fenced = exec_prepared0(tx, delivery_lease_fence, delivery_id, lease_token,
                                     static_cast<int>(lease.count()));
  if (fenced.affected_rows() != 1) return false;
  return exec_prepared0(tx, delivery_send_started, send_id).affected_rows() == 1;
}

void DeliveryRepository::mark_send_pending(pqxx::work& tx, std::int64_t delivery_id,
                                           std::int64_t send_id, const std::string& lease_token) {
  exec_prepared0(tx, delivery_send_pending, delivery_id, send_id, lease_token);
}

bool DeliveryRepository::is_known_message_id(pqxx::transaction_base& tx,
                                             const std::string& metriport_id) {
  return exec_prepared1(tx, delivery_send_known_id, metriport_id)[0].as<bool>();
}

void DeliveryRepository::record_document(pqxx::work& tx, std::int64_t delivery_id,
                                         std::optional<std::int64_t> attachment_id,
                                         const std::string& metriport_document_id) {
  if (attachment_id) {
    exec_prepared0(tx, delivery_document_record_attachment, delivery_id, *attachment_id,
                   metriport_document_id);
  } else {
    exec_prepared0(tx, delivery_document_record_full_body, delivery_id, metriport_document_id);
  }
}

void DeliveryRepository::mark_document_uploaded(pqxx::work& tx, std::int64_t delivery_id,
                                                std::optional<std::int64_t> attachment_id,
                                                const std::string& metriport_document_id) {
  exec_prepared0(tx, delivery_document_uploaded, delivery_id, attachment_id, metriport_document_id);
}

std::string DeliveryRepository::attachment_content(pqxx::transaction_base& tx,
                                                   std::int64_t attachment_id) {
  return bytea_from_field(exec_prepared1(tx, attachment_content_by_id, attachment_id)[0]);
}

void DeliveryRepository::cache_patient(pqxx::work& tx, const std::string& external_id,
                                       const std::string& metriport_patient_id) {
  exec_prepared0(tx, patient_cache_store, external_id, metriport_patient_id);
}

}  // namespace relay::pg
