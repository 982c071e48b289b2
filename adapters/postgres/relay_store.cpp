// RelayStore: each method is one transaction on a pool connection; the SQL it adds to
// DeliveryRepository's: the batch claim and its reads, and the common path's send records as
// single statements (fewer round trips).
#include "adapters/postgres/relay_store.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <boost/json.hpp>

#include "adapters/postgres/array_literal.hpp"
#include "adapters/postgres/delivery_repository.hpp"
#include "adapters/postgres/delivery_status_repository.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/message_rows.hpp"
#include "adapters/postgres/prepared.hpp"

namespace relay::pg {
namespace {

using boost::asio::awaitable;

// Each vendor's first claimable deliveries (its own index, read without locks) are ranked across
// vendors: priority first, then the vendors take turns (each one's n-th delivery of a priority
// before anyone's (n+1)-th), then whose turn is oldest, then age. Only the chosen rows are locked
// (SKIP LOCKED, so concurrent claimers take the next ones); locking inside the LATERAL would hold
// every vendor's best rows and make other claimers skip a High delivery for a Normal one. Vendors
// under a pause (relay_pauses: theirs or the global one) are left out, read at every claim. The
// patient's Metriport id comes from the delivery, else from a fresh patient_cache entry.
constexpr const char* delivery_claim_batch = R"sql(
WITH ranked AS (
  SELECT c.id, c.priority, c.created_at, t.last_claimed_at,
         row_number() OVER (PARTITION BY v.id, c.priority ORDER BY c.created_at, c.id) AS turn
  FROM vendors v
  LEFT JOIN relay_vendor_turns t ON t.vendor_id = v.id
  CROSS JOIN LATERAL (
    SELECT d.id, d.priority, d.created_at
    FROM deliveries d
    WHERE d.vendor_id = v.id
      AND (d.state = 'queued' OR (d.state = 'retry_wait' AND d.next_attempt_at <= now()))
    ORDER BY d.priority DESC, d.created_at, d.id
    LIMIT 64) c
  WHERE NOT EXISTS (SELECT 1 FROM relay_pauses p WHERE p.vendor_id IS NULL OR p.vendor_id = v.id)),
candidate AS (
  SELECT d.id, d.state
  FROM deliveries d
  JOIN ranked r ON r.id = d.id
  WHERE d.state = 'queued' OR (d.state = 'retry_wait' AND d.next_attempt_at <= now())
  ORDER BY r.priority DESC, r.turn, r.last_claimed_at NULLS FIRST, r.created_at, r.id
  LIMIT $3
  FOR UPDATE OF d SKIP LOCKED)
UPDATE deliveries d
SET state = 'resolving', locked_by = $1 || d.id::text,
    locked_until = clock_timestamp() + $2::integer * interval '1 second', updated_at = now()
FROM candidate
WHERE d.id = candidate.id
RETURNING d.id, d.message_id::text, d.vendor_id, candidate.state, d.attempts,
          d.patient_external_id,
          coalesce(d.metriport_patient_id,
                   (SELECT pc.metriport_patient_id FROM patient_cache pc
                    WHERE pc.external_id = d.patient_external_id
                      AND pc.resolved_at > now() - $4::integer * interval '1 second')),
          d.locked_by, d.priority, (extract(epoch FROM d.created_at) * 1000000)::bigint)sql";

// One turn per vendor per claim, not per delivery: the row stops being a hot spot.
constexpr const char* vendor_turns_taken = R"sql(
INSERT INTO relay_vendor_turns (vendor_id, last_claimed_at)
SELECT vendor_id, clock_timestamp() FROM unnest($1::bigint[]) AS vendor_id
ON CONFLICT (vendor_id) DO UPDATE SET last_claimed_at = excluded.last_claimed_at)sql";

constexpr const char* claimed_messages = R"sql(
SELECT m.id::text, m.external_id, m.relay_subject, m.relay_body, m.destination,
       array_to_string(m.intended_recipient_npi, ',')
FROM messages m WHERE m.id = ANY($1::uuid[]))sql";

constexpr const char* claimed_attachments = R"sql(
SELECT message_id::text, id, position, file_name, content_type, size_bytes
FROM attachments WHERE message_id = ANY($1::uuid[]) ORDER BY message_id, position)sql";

constexpr const char* claimed_sends = R"sql(
SELECT delivery_id, id, part, parts, metriport_message_id, status,
       (extract(epoch FROM first_attempt_at) * 1000000)::bigint
FROM delivery_sends WHERE delivery_id = ANY($1::bigint[]) ORDER BY delivery_id, part)sql";

constexpr const char* claimed_documents = R"sql(
SELECT delivery_id, id, attachment_id, metriport_document_id, uploaded_at IS NOT NULL
FROM delivery_documents WHERE delivery_id = ANY($1::bigint[])
ORDER BY delivery_id, attachment_id NULLS FIRST)sql";

constexpr const char* claims_audited = R"sql(
INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
SELECT $1, 'delivery', claimed.id, 'delivery.claimed', claimed.detail::jsonb
FROM unnest($2::text[], $3::text[]) AS claimed(id, detail))sql";

// The patient's Metriport id, on the delivery (kept while this claim holds it).
constexpr const char* delivery_patient_stored = R"sql(
UPDATE deliveries SET metriport_patient_id = $2, updated_at = now()
WHERE id = $1 AND locked_by = $3)sql";

// After this part's id is recorded and the id's lock taken (the previous statement), in one
// statement: whether every part has its id and whether every part is final (webhooks confirmed
// them before the answer); the acceptance when one is given ($6) and every part has its id,
// guarded like every change (state and lease), releasing the lease and stamping accepted_at; the
// id's audit event, then the acceptance's only if it happened; whether webhook events stored for
// this id wait to be applied.
constexpr const char* send_recorded_and_accepted = R"sql(
WITH facts AS (
  SELECT coalesce(bool_and(metriport_message_id IS NOT NULL), false) AS all_ids,
         coalesce(bool_and(status IN ('completed', 'failed')), false) AS all_final
  FROM delivery_sends WHERE delivery_id = $1),
accepted AS (
  UPDATE deliveries
  SET state = $4, locked_by = NULL, locked_until = NULL, accepted_at = now(), updated_at = now()
  WHERE id = $1 AND state = $3 AND ($5::text IS NULL OR locked_by = $5) AND $6::boolean
    AND (SELECT all_ids FROM facts)
  RETURNING id),
audited AS (
  INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
  SELECT $7, 'delivery', $1::bigint::text, step.event, step.detail::jsonb
  FROM unnest($8::text[], $9::text[]) WITH ORDINALITY AS step(event, detail, position)
  WHERE step.position = 1 OR EXISTS (SELECT 1 FROM accepted)
  ORDER BY step.position)
SELECT facts.all_ids, facts.all_final, EXISTS (SELECT 1 FROM accepted),
       EXISTS (SELECT 1 FROM webhook_events WHERE metriport_message_id = $2 AND applied_at IS NULL)
FROM facts)sql";

// A first send's durable record in ONE statement, committed on its own (flushed): the steps since
// the claim as one row version (state, lease renewed, the patient's id) guarded by the state and
// the lease they start from; then, only if that row moved, the patient's cache entry, the
// delivery's parts (the one to send created as 'sending') and the send_started event. Answers the
// parts, or no row when the guard failed (nothing is written). One round trip where a transaction
// of its own takes seven.
constexpr const char* first_send_started = R"sql(
WITH moved AS (
  UPDATE deliveries
  SET state = $3, locked_by = $5,
      locked_until = clock_timestamp() + $6::integer * interval '1 second',
      metriport_patient_id = coalesce($7, metriport_patient_id), updated_at = now()
  WHERE id = $1 AND state = $2 AND ($4::text IS NULL OR locked_by = $4)
  RETURNING id),
cached AS (
  INSERT INTO patient_cache (external_id, metriport_patient_id)
  SELECT $8, $7 FROM moved WHERE $8::text IS NOT NULL AND $7::text IS NOT NULL
  ON CONFLICT (external_id)
  DO UPDATE SET metriport_patient_id = excluded.metriport_patient_id, resolved_at = now()),
created AS (
  INSERT INTO delivery_sends (delivery_id, part, parts, status, first_attempt_at)
  SELECT moved.id, part, $9, CASE WHEN part = $10 THEN 'sending' ELSE 'pending' END,
         CASE WHEN part = $10 THEN clock_timestamp() END
  FROM moved CROSS JOIN generate_series(1, $9) AS part
  RETURNING id, part, parts, metriport_message_id, status,
            (extract(epoch FROM first_attempt_at) * 1000000)::bigint AS first_attempt_micros),
audited AS (
  INSERT INTO audit_events (actor, entity_type, entity_id, event, detail)
  SELECT $11, 'delivery', moved.id::text, 'delivery.send_started', $12::jsonb FROM moved)
SELECT id, part, parts, metriport_message_id, status, first_attempt_micros
FROM created ORDER BY part)sql";

void set_unflushed(pqxx::work& tx) {
  tx.exec0("SET LOCAL synchronous_commit = off");
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::string claim_detail(const ClaimedDelivery& delivery) {
  return boost::json::serialize(
      boost::json::object{{"from", domain::to_text(delivery.previous_state)},
                          {"to", "resolving"},
                          {"attempts", delivery.attempts}});
}

// The patient's id and cache entry; on_its_own: stored by its own UPDATE (no state change carries
// it).
void store_patient(pqxx::work& tx, const PendingSteps& pending, std::int64_t delivery_id,
                   const std::string& lease_token, bool on_its_own) {
  if (!pending.metriport_patient_id) return;
  if (pending.cache_patient) {
    DeliveryRepository::cache_patient(tx, pending.patient_external_id,
                                      *pending.metriport_patient_id);
  }
  if (on_its_own) {
    exec_prepared0(tx, delivery_patient_stored, delivery_id, *pending.metriport_patient_id,
                   lease_token);
  }
}

// Stores pending steps in tx, each change with its own audit event; false when a guarded change
// found the delivery moved on. The patient's id rides on the first state change.
bool store_pending(pqxx::work& tx, const PendingSteps& pending, std::int64_t delivery_id,
                   const std::string& lease_token) {
  store_patient(tx, pending, delivery_id, lease_token, pending.changes.empty());
  if (pending.ensure_parts)
    DeliveryRepository::ensure_sends(tx, delivery_id, *pending.ensure_parts);
  bool first = true;
  for (const auto& change : pending.changes) {
    if (first && pending.metriport_patient_id) {
      DeliveryChange with_patient = change;
      with_patient.metriport_patient_id = pending.metriport_patient_id;
      if (!DeliveryRepository::apply(tx, with_patient)) return false;
    } else if (!DeliveryRepository::apply(tx, change)) {
      return false;
    }
    first = false;
  }
  return true;
}

// Pending in-flight steps (each only renewing the lease, one after the other) as one change from
// the first's state to the last's, carrying the patient's id; none when they cannot be composed.
std::optional<DeliveryChange> composed_steps(const PendingSteps& pending) {
  if (pending.changes.empty()) return std::nullopt;
  const DeliveryChange* previous = nullptr;
  for (const auto& change : pending.changes) {
    const bool plain_step = change.lease == LeaseChange::take_or_extend && !change.count_attempt &&
                            !change.reset_attempts && !change.retry_delay && !change.reason &&
                            !change.stamp_accepted && !change.stamp_completed;
    if (!plain_step) return std::nullopt;
    if (previous != nullptr && previous->to_state != change.from_state) return std::nullopt;
    previous = &change;
  }
  DeliveryChange composed = pending.changes.front();
  composed.to_state = pending.changes.back().to_state;
  composed.new_lease_holder = pending.changes.back().new_lease_holder;
  composed.lease_length = pending.changes.back().lease_length;
  composed.metriport_patient_id = pending.metriport_patient_id;
  return composed;
}

// The send_started event's detail when the steps since the claim are stored with it.
std::string composed_send_detail(const std::string& send_detail_json,
                                 const DeliveryChange& composed, const PendingSteps& pending) {
  boost::json::object detail = boost::json::parse(send_detail_json).as_object();
  boost::json::array steps;
  for (const auto& change : pending.changes) steps.emplace_back(change.audit_event);
  detail["from"] = domain::to_text(composed.from_state);
  detail["to"] = domain::to_text(composed.to_state);
  detail["steps"] = std::move(steps);
  return boost::json::serialize(detail);
}

// The common path's first send (plain steps since the claim ending in 'sending', no part row
// yet): the whole record is first_send_started. nullopt: not that case.
std::optional<DeliveryChange> first_send_steps(const ClaimedDelivery& delivery) {
  if (!delivery.sends.empty() || !delivery.pending.ensure_parts) return std::nullopt;
  auto composed = composed_steps(delivery.pending);
  if (!composed || composed->to_state != domain::DeliveryState::sending) return std::nullopt;
  return composed;
}

// The only acceptance send_recorded_and_accepted applies: the lease released and accepted_at
// stamped, nothing else (the state machine's send_accepted).
bool is_plain_acceptance(const DeliveryChange& change) {
  return change.lease == LeaseChange::release && change.stamp_accepted && !change.count_attempt &&
         !change.reset_attempts && !change.retry_delay && !change.reason &&
         !change.stamp_completed && !change.metriport_patient_id;
}

struct ClaimRow {
  double priority = 0;
  std::int64_t created_micros = 0;
};

void load_claimed(pqxx::work& tx, std::vector<ClaimedDelivery>& claimed) {
  std::vector<std::string> message_ids;
  std::vector<std::int64_t> delivery_ids;
  std::map<std::string, std::vector<ClaimedDelivery*>> by_message;
  std::map<std::int64_t, ClaimedDelivery*> by_id;
  for (auto& delivery : claimed) {
    if (by_message[delivery.message_id].empty()) message_ids.push_back(delivery.message_id);
    by_message[delivery.message_id].push_back(&delivery);
    delivery_ids.push_back(delivery.id);
    by_id[delivery.id] = &delivery;
  }
  const std::string messages = text_array_literal(message_ids);
  for (const auto& row : exec_prepared(tx, claimed_messages, messages)) {
    for (auto* delivery : by_message[row[0].as<std::string>()]) {
      delivery->message_external_id = row[1].as<std::string>();
      delivery->relay_subject = row[2].as<std::string>();
      delivery->relay_body = nullable<std::string>(row[3]);
      delivery->destination = row[4].as<std::string>();
      delivery->intended_recipient_npi = split_commas(row[5].as<std::string>(""));
    }
  }
  for (const auto& row : exec_prepared(tx, claimed_attachments, messages)) {
    for (auto* delivery : by_message[row[0].as<std::string>()]) {
      delivery->attachments.push_back({row[1].as<std::int64_t>(), row[2].as<int>(),
                                       row[3].as<std::string>(), row[4].as<std::string>(),
                                       row[5].as<std::int64_t>()});
    }
  }
  const std::string deliveries = bigint_array_literal(delivery_ids);
  for (const auto& row : exec_prepared(tx, claimed_sends, deliveries)) {
    by_id[row[0].as<std::int64_t>()]->sends.push_back(
        {row[1].as<std::int64_t>(), row[2].as<int>(), row[3].as<int>(),
         nullable<std::string>(row[4]), send_status_of(row[5]), nullable<std::int64_t>(row[6])});
  }
  for (const auto& row : exec_prepared(tx, claimed_documents, deliveries)) {
    by_id[row[0].as<std::int64_t>()]->documents.push_back(
        {row[1].as<std::int64_t>(), nullable<std::int64_t>(row[2]), row[3].as<std::string>(),
         row[4].as<bool>()});
  }
}

}  // namespace

RelayStore::RelayStore(ConnectionPool& pool) : pool_(pool) {}

awaitable<std::vector<ClaimedDelivery>> RelayStore::claim(const std::string& token_prefix,
                                                          int limit, std::chrono::seconds lease,
                                                          std::chrono::seconds patient_cache_ttl,
                                                          const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    set_unflushed(tx);  // a claim lost in a crash only returns the deliveries to the queue
    std::vector<ClaimedDelivery> claimed;
    std::vector<std::pair<ClaimRow, std::size_t>> order;
    const auto rows =
        exec_prepared(tx, delivery_claim_batch, token_prefix, static_cast<int>(lease.count()),
                      limit, static_cast<int>(patient_cache_ttl.count()));
    if (rows.empty()) {
      tx.commit();
      return claimed;
    }
    const auto now = std::chrono::steady_clock::now();
    std::set<std::int64_t> vendors;
    for (const auto& row : rows) {
      ClaimedDelivery delivery;
      delivery.id = row[0].as<std::int64_t>();
      delivery.message_id = row[1].as<std::string>();
      delivery.vendor_id = row[2].as<std::int64_t>();
      delivery.previous_state = delivery_state_of(row[3]);
      delivery.state = domain::DeliveryState::resolving;
      delivery.attempts = row[4].as<int>();
      delivery.patient_external_id = row[5].as<std::string>();
      delivery.metriport_patient_id = nullable<std::string>(row[6]);
      delivery.lease_token = row[7].as<std::string>();
      delivery.lease_renewed_at = now;
      order.push_back({{row[8].as<double>(), row[9].as<std::int64_t>()}, claimed.size()});
      vendors.insert(delivery.vendor_id);
      claimed.push_back(std::move(delivery));
    }
    exec_prepared0(tx, vendor_turns_taken,
                   bigint_array_literal(std::vector<std::int64_t>(vendors.begin(), vendors.end())));
    load_claimed(tx, claimed);
    std::vector<std::string> ids;
    std::vector<std::string> details;
    for (const auto& delivery : claimed) {
      ids.push_back(std::to_string(delivery.id));
      details.push_back(claim_detail(delivery));
    }
    exec_prepared0(tx, claims_audited, actor, text_array_literal(ids), text_array_literal(details));
    tx.commit();
    // Most urgent first (the workers take them in this order), then oldest.
    std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      if (a.first.priority != b.first.priority) return a.first.priority > b.first.priority;
      return a.first.created_micros < b.first.created_micros;
    });
    std::vector<ClaimedDelivery> sorted;
    sorted.reserve(claimed.size());
    for (const auto& entry : order) sorted.push_back(std::move(claimed[entry.second]));
    return sorted;
  });
}

awaitable<bool> RelayStore::apply(ClaimedDelivery& delivery, const DeliveryChange* change,
                                  Durability durability) {
  const bool applied = co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    if (durability == Durability::unflushed) set_unflushed(tx);
    if (!store_pending(tx, delivery.pending, delivery.id, delivery.lease_token)) return false;
    if (change != nullptr && !DeliveryRepository::apply(tx, *change)) return false;
    tx.commit();
    return true;
  });
  if (applied) delivery.pending = PendingSteps{};
  co_return applied;
}

awaitable<std::optional<std::vector<DeliverySendRow>>> RelayStore::start_send(
    ClaimedDelivery& delivery, const SendStart& start) {
  const PendingSteps& pending = delivery.pending;
  if (const auto composed = first_send_steps(delivery)) {
    const std::string detail = composed_send_detail(start.audit_detail_json, *composed, pending);
    auto sends = co_await pool_.run(
        [&](pqxx::connection& connection) -> std::optional<std::vector<DeliverySendRow>> {
          pqxx::nontransaction statement(connection);  // one statement: atomic on its own
          auto rows = DeliveryRepository::send_rows(exec_prepared(
              statement, first_send_started, start.delivery_id,
              std::string(domain::to_text(composed->from_state)),
              std::string(domain::to_text(composed->to_state)), composed->lease_holder,
              composed->new_lease_holder, static_cast<int>(composed->lease_length.count()),
              pending.metriport_patient_id,
              pending.cache_patient ? std::optional<std::string>(pending.patient_external_id)
                                    : std::nullopt,
              *pending.ensure_parts, start.part, start.actor, detail));
          if (rows.empty()) return std::nullopt;
          return rows;
        });
    if (sends) delivery.pending = PendingSteps{};
    co_return sends;
  }
  auto sends = co_await pool_.run(
      [&](pqxx::connection& connection) -> std::optional<std::vector<DeliverySendRow>> {
        pqxx::work tx(connection);
        std::string detail = start.audit_detail_json;
        bool fenced = false;
        if (const auto composed = composed_steps(pending)) {
          // The steps since the claim as one row version, recorded in the send's own event.
          store_patient(tx, pending, start.delivery_id, start.lease_token, false);
          if (!DeliveryRepository::update_state(tx, *composed)) return std::nullopt;
          fenced = composed->to_state == domain::DeliveryState::sending;
          // A first send ending in 'sending' took first_send_started: parts made here are pending.
          if (pending.ensure_parts) {
            DeliveryRepository::ensure_sends(tx, start.delivery_id, *pending.ensure_parts);
          }
          detail = composed_send_detail(start.audit_detail_json, *composed, pending);
        } else if (!store_pending(tx, pending, start.delivery_id, start.lease_token)) {
          return std::nullopt;
        }
        auto rows = DeliveryRepository::sends_of(tx, start.delivery_id);
        const auto part = std::find_if(rows.begin(), rows.end(),
                                       [&](const auto& send) { return send.part == start.part; });
        if (part == rows.end()) return std::nullopt;
        const bool started =
            fenced ? DeliveryRepository::mark_part_started(tx, part->id)
                   : DeliveryRepository::mark_send_started(tx, start.delivery_id, part->id,
                                                           start.lease_token, start.lease);
        if (!started) return std::nullopt;
        append_audit_event(tx, {start.actor, "delivery", std::to_string(start.delivery_id),
                                "delivery.send_started", detail});
        tx.commit();
        part->status = domain::SendStatus::sending;
        return rows;
      });
  if (sends) delivery.pending = PendingSteps{};
  co_return sends;
}

awaitable<SendRecorded> RelayStore::record_send(const SendRecord& record) {
  if (record.accept && !is_plain_acceptance(*record.accept)) {
    throw std::logic_error("an acceptance only releases the lease and stamps accepted_at");
  }
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    SendRecorded result;
    // The id, then its lock: an applier that found no send for it either committed its 'waiting'
    // mark before the lock was granted (the next statement sees the event) or waits for this
    // commit and then finds the send.
    if (!DeliveryStatusRepository::record_metriport_id(tx, record.send_id,
                                                       record.metriport_message_id)) {
      return result;
    }
    result.recorded = true;
    std::vector<std::string> events{record.audit_event};
    std::vector<std::string> details{record.audit_detail_json};
    if (record.accept) {
      events.push_back(record.accept->audit_event);
      details.push_back(record.accept->audit_detail_json);
    }
    const DeliveryChange* accept = record.accept ? &*record.accept : nullptr;
    const auto row = exec_prepared1(
        tx, send_recorded_and_accepted, record.delivery_id, record.metriport_message_id,
        std::string(domain::to_text(accept ? accept->from_state : domain::DeliveryState::sending)),
        std::string(domain::to_text(accept ? accept->to_state : domain::DeliveryState::accepted)),
        accept ? accept->lease_holder : std::nullopt, accept != nullptr, record.actor,
        text_array_literal(events), text_array_literal(details));
    result.accepted = row[2].as<bool>();
    result.settle_now = result.accepted && row[1].as<bool>();
    result.webhooks_waiting = row[3].as<bool>();
    tx.commit();
    return result;
  });
}

awaitable<void> RelayStore::mark_send_pending(std::int64_t delivery_id, std::int64_t send_id,
                                              const std::string& lease_token) {
  co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    DeliveryRepository::mark_send_pending(tx, delivery_id, send_id, lease_token);
    tx.commit();
  });
}

awaitable<bool> RelayStore::extend_lease(std::int64_t delivery_id, const std::string& lease_token,
                                         std::chrono::seconds lease) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    const bool held = DeliveryRepository::extend_lease(tx, delivery_id, lease_token, lease);
    tx.commit();
    return held;
  });
}

awaitable<bool> RelayStore::is_known_message_id(const std::string& metriport_message_id) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return DeliveryRepository::is_known_message_id(tx, metriport_message_id);
  });
}

awaitable<std::string> RelayStore::attachment_content(std::int64_t attachment_id) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return DeliveryRepository::attachment_content(tx, attachment_id);
  });
}

awaitable<void> RelayStore::record_document(std::int64_t delivery_id,
                                            const std::optional<std::int64_t>& attachment_id,
                                            const std::string& metriport_document_id) {
  co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    DeliveryRepository::record_document(tx, delivery_id, attachment_id, metriport_document_id);
    tx.commit();
  });
}

awaitable<std::vector<DeliveryDocumentRow>> RelayStore::mark_document_uploaded(
    std::int64_t delivery_id, const std::optional<std::int64_t>& attachment_id,
    const std::string& metriport_document_id) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    DeliveryRepository::mark_document_uploaded(tx, delivery_id, attachment_id,
                                               metriport_document_id);
    auto documents = DeliveryRepository::documents_of(tx, delivery_id);
    tx.commit();
    return documents;
  });
}

awaitable<int> RelayStore::reap_expired(int limit, const ExpiryDecision& decide) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    const auto expired = DeliveryRepository::lock_expired_leases(tx, limit);
    for (const auto& delivery : expired) {
      if (const auto change = decide(delivery)) DeliveryRepository::apply(tx, *change);
    }
    tx.commit();
    return static_cast<int>(expired.size());
  });
}

}  // namespace relay::pg
