// Retention's SQL, each statement a named constant. Eligibility is written once (the macros below)
// and shared by the batches and the dry run's counts; every step walks its candidates in keyset
// order (oldest first) so rows that stay ineligible are passed over once per pass, not per batch.
#include "adapters/postgres/retention_store.hpp"

#include <functional>
#include <vector>

#include <boost/json.hpp>

#include "adapters/postgres/array_literal.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "gateway/domain/timestamps.hpp"

namespace relay::pg {
namespace {

constexpr const char* retention_try_lock = "SELECT pg_try_advisory_lock($1)";
constexpr const char* retention_unlock = "SELECT pg_advisory_unlock($1)";

// The audit event of every pass: its entity lets the last pass be found through the entity index.
constexpr const char* audit_entity_type = "retention";
constexpr const char* audit_entity_id = "prune";
constexpr const char* audit_event_name = "retention.pruned";

constexpr const char* retention_seconds_since_last_pass = R"sql(
SELECT extract(epoch FROM now() - max(occurred_at))::double precision FROM audit_events
WHERE entity_type = 'retention' AND entity_id = 'prune')sql";

constexpr const char* retention_cutoffs = R"sql(
SELECT (extract(epoch FROM now() - make_interval(days => $1)) * 1000000)::bigint,
       (extract(epoch FROM now() - make_interval(days => $2)) * 1000000)::bigint)sql";

// Parameter $n, microseconds since the epoch, as a timestamptz.
#define RELAY_PG_AT(n) "(timestamptz 'epoch' + $" #n "::bigint * interval '1 microsecond')"

// A message whose relaying ended before `cutoff`: asked to be sent (drafts are never touched),
// every delivery completed or cancelled (so none is queued, in flight, accepted or flagged
// awaiting confirmation, failed or dead), and neither it nor any delivery changed since.
#define RELAY_PG_FINISHED_BEFORE(cutoff)                                  \
  "m.requested_status = 'Sent' AND m.updated_at < " cutoff                \
  " AND (m.sent_date IS NULL OR m.sent_date < " cutoff                    \
  ")"                                                                     \
  " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id" \
  " AND (d.state NOT IN ('completed', 'cancelled') OR d.updated_at >= " cutoff "))"

// A webhook event settled (applied, ignored, ...: not new, not waiting) and received before
// `cutoff` that names no recorded send (pings, other event types, unknown messages). Events that
// name a send go with that send's message.
#define RELAY_PG_UNLINKED_EVENT_BEFORE(cutoff)           \
  "w.applied_at IS NOT NULL AND w.received_at < " cutoff \
  " AND NOT EXISTS (SELECT 1 FROM delivery_sends s"      \
  " WHERE s.metriport_message_id = w.metriport_message_id)"

// A payload cut down to its meta without meta.data (what the caller attached): ids, type, time.
#define RELAY_PG_PAYLOAD_SKELETON                                    \
  "CASE WHEN jsonb_typeof(w.payload -> 'meta') = 'object'"           \
  " THEN jsonb_build_object('meta', (w.payload -> 'meta') - 'data')" \
  " ELSE '{}'::jsonb END"

// Candidates of each step: $1 cutoff (micros), ($2, $3) the keyset cursor (time as text, id),
// $4 the batch size. Each answers (id, time as text) in cursor order and locks what it answers.
constexpr const char* purge_candidates =
    "SELECT m.id::text, m.updated_at::text FROM messages m"
    " WHERE m.content_purged_at IS NULL AND " RELAY_PG_FINISHED_BEFORE(RELAY_PG_AT(1))
    " AND (m.updated_at, m.id) > ($2::timestamptz, $3::uuid)"
    " ORDER BY m.updated_at, m.id LIMIT $4 FOR UPDATE OF m SKIP LOCKED";

constexpr const char* payload_purge_candidates =
    "SELECT w.id::text, w.received_at::text FROM webhook_events w"
    " WHERE w.payload_purged_at IS NULL AND " RELAY_PG_UNLINKED_EVENT_BEFORE(RELAY_PG_AT(1))
    " AND (w.received_at, w.id) > ($2::timestamptz, $3::bigint)"
    " ORDER BY w.received_at, w.id LIMIT $4 FOR UPDATE OF w SKIP LOCKED";

constexpr const char* deletion_candidates =
    "SELECT m.id::text, m.updated_at::text FROM messages m"
    " WHERE " RELAY_PG_FINISHED_BEFORE(RELAY_PG_AT(1))
    " AND (m.updated_at, m.id) > ($2::timestamptz, $3::uuid)"
    " ORDER BY m.updated_at, m.id LIMIT $4 FOR UPDATE OF m SKIP LOCKED";

constexpr const char* event_deletion_candidates =
    "SELECT w.id::text, w.received_at::text FROM webhook_events w"
    " WHERE " RELAY_PG_UNLINKED_EVENT_BEFORE(RELAY_PG_AT(1))
    " AND (w.received_at, w.id) > ($2::timestamptz, $3::bigint)"
    " ORDER BY w.received_at, w.id LIMIT $4 FOR UPDATE OF w SKIP LOCKED";

constexpr const char* rejection_deletion_candidates =
    "SELECT r.id::text, r.received_at::text FROM webhook_rejections r"
    " WHERE r.received_at < " RELAY_PG_AT(1)
    " AND (r.received_at, r.id) > ($2::timestamptz, $3::bigint)"
    " ORDER BY r.received_at, r.id LIMIT $4 FOR UPDATE OF r SKIP LOCKED";

// The content purge of a batch of messages ($1 uuid[]).
constexpr const char* messages_purge_content = R"sql(
UPDATE messages
SET subject = NULL, body = NULL, from_name = NULL, relay_subject = NULL, relay_body = NULL,
    content_purged_at = now()
WHERE id = ANY($1::uuid[]) AND content_purged_at IS NULL)sql";

constexpr const char* attachments_purge_content = R"sql(
UPDATE attachments SET content = NULL WHERE message_id = ANY($1::uuid[]) AND content IS NOT NULL)sql";

constexpr const char* message_event_payloads_purge =
    "UPDATE webhook_events w SET payload = " RELAY_PG_PAYLOAD_SKELETON
    ", payload_purged_at = now()"
    " FROM deliveries d JOIN delivery_sends s ON s.delivery_id = d.id"
    " WHERE d.message_id = ANY($1::uuid[]) AND w.metriport_message_id = s.metriport_message_id"
    " AND w.payload_purged_at IS NULL AND w.applied_at IS NOT NULL";

constexpr const char* event_payloads_purge =
    "UPDATE webhook_events w SET payload = " RELAY_PG_PAYLOAD_SKELETON
    ", payload_purged_at = now() WHERE w.id = ANY($1::bigint[])";

// The deletion of a batch of messages ($1 uuid[]), children first so each count is its own.
constexpr const char* message_events_delete = R"sql(
DELETE FROM webhook_events w USING deliveries d, delivery_sends s
WHERE d.message_id = ANY($1::uuid[]) AND s.delivery_id = d.id
  AND w.metriport_message_id = s.metriport_message_id)sql";

constexpr const char* message_documents_delete = R"sql(
DELETE FROM delivery_documents dd USING deliveries d
WHERE d.message_id = ANY($1::uuid[]) AND dd.delivery_id = d.id)sql";

constexpr const char* message_sends_delete = R"sql(
DELETE FROM delivery_sends s USING deliveries d
WHERE d.message_id = ANY($1::uuid[]) AND s.delivery_id = d.id)sql";

constexpr const char* message_deliveries_delete =
    "DELETE FROM deliveries WHERE message_id = ANY($1::uuid[])";
constexpr const char* message_attachments_delete =
    "DELETE FROM attachments WHERE message_id = ANY($1::uuid[])";
constexpr const char* message_patients_delete_all =
    "DELETE FROM message_patients WHERE message_id = ANY($1::uuid[])";
constexpr const char* messages_delete = "DELETE FROM messages WHERE id = ANY($1::uuid[])";

constexpr const char* events_delete = "DELETE FROM webhook_events WHERE id = ANY($1::bigint[])";
constexpr const char* rejections_delete =
    "DELETE FROM webhook_rejections WHERE id = ANY($1::bigint[])";

// The dry run: what each step would touch now ($1 content cutoff, $2 records cutoff), in the
// order of RetentionCounts.
constexpr const char* retention_preview =
    "WITH purge AS (SELECT m.id FROM messages m WHERE m.content_purged_at IS NULL AND "
    RELAY_PG_FINISHED_BEFORE(RELAY_PG_AT(1)) "),"
    " doomed AS (SELECT m.id FROM messages m WHERE " RELAY_PG_FINISHED_BEFORE(RELAY_PG_AT(2)) "),"
    " doomed_deliveries AS (SELECT d.id FROM deliveries d"
    "   WHERE d.message_id IN (SELECT id FROM doomed))"
    " SELECT (SELECT count(*) FROM purge),"
    " (SELECT count(*) FROM attachments a"
    "   WHERE a.message_id IN (SELECT id FROM purge) AND a.content IS NOT NULL),"
    " (SELECT count(*) FROM webhook_events w WHERE w.payload_purged_at IS NULL AND ("
    "   (w.applied_at IS NOT NULL AND w.metriport_message_id IN ("
    "     SELECT s.metriport_message_id FROM delivery_sends s JOIN deliveries d"
    "     ON d.id = s.delivery_id WHERE d.message_id IN (SELECT id FROM purge)))"
    "   OR (" RELAY_PG_UNLINKED_EVENT_BEFORE(RELAY_PG_AT(1)) "))),"
    " (SELECT count(*) FROM doomed),"
    " (SELECT count(*) FROM message_patients p WHERE p.message_id IN (SELECT id FROM doomed)),"
    " (SELECT count(*) FROM attachments a WHERE a.message_id IN (SELECT id FROM doomed)),"
    " (SELECT count(*) FROM doomed_deliveries),"
    " (SELECT count(*) FROM delivery_sends s"
    "   WHERE s.delivery_id IN (SELECT id FROM doomed_deliveries)),"
    " (SELECT count(*) FROM delivery_documents dd"
    "   WHERE dd.delivery_id IN (SELECT id FROM doomed_deliveries)),"
    " (SELECT count(*) FROM webhook_events w WHERE w.metriport_message_id IN ("
    "     SELECT s.metriport_message_id FROM delivery_sends s"
    "     WHERE s.delivery_id IN (SELECT id FROM doomed_deliveries))"
    "   OR (" RELAY_PG_UNLINKED_EVENT_BEFORE(RELAY_PG_AT(2)) ")),"
    " (SELECT count(*) FROM webhook_rejections r WHERE r.received_at < " RELAY_PG_AT(2) ")";

#undef RELAY_PG_PAYLOAD_SKELETON
#undef RELAY_PG_UNLINKED_EVENT_BEFORE
#undef RELAY_PG_FINISHED_BEFORE
#undef RELAY_PG_AT

constexpr const char* nil_uuid = "00000000-0000-0000-0000-000000000000";

// Holds the session-level retention lock when it was free; releases it on destruction (best
// effort: a broken connection has lost it already, since session locks end with the session, so
// a process that dies never keeps it).
class RetentionLock {
 public:
  explicit RetentionLock(pqxx::connection& connection) : connection_(connection) {
    pqxx::nontransaction tx(connection_);
    held_ = tx.exec_params1(retention_try_lock, retention_lock_key)[0].as<bool>();
  }
  ~RetentionLock() {
    if (!held_) return;
    try {
      pqxx::nontransaction tx(connection_);
      tx.exec_params(retention_unlock, retention_lock_key);
    } catch (...) {
    }
  }
  RetentionLock(const RetentionLock&) = delete;
  RetentionLock& operator=(const RetentionLock&) = delete;

  bool held() const { return held_; }

 private:
  pqxx::connection& connection_;
  bool held_ = false;
};

// What one batch does with its candidates (a uuid[] or bigint[] literal), adding to counts.
using BatchAction = std::function<void(pqxx::work&, const std::string&, RetentionCounts&)>;

struct Step {
  const char* candidates;
  const char* first_id;  // below every id: the cursor's start
  bool records;          // true: the records cutoff applies, else the content cutoff
  BatchAction act;
};

std::int64_t changed(pqxx::work& tx, const char* sql, const std::string& ids) {
  return static_cast<std::int64_t>(tx.exec_params0(sql, ids).affected_rows());
}

const std::vector<Step>& pass_steps() {
  static const std::vector<Step> steps = {
      {purge_candidates, nil_uuid, false,
       [](pqxx::work& tx, const std::string& ids, RetentionCounts& counts) {
         counts.messages_purged += changed(tx, messages_purge_content, ids);
         counts.attachments_purged += changed(tx, attachments_purge_content, ids);
         counts.webhook_payloads_purged += changed(tx, message_event_payloads_purge, ids);
       }},
      {payload_purge_candidates, "0", false,
       [](pqxx::work& tx, const std::string& ids, RetentionCounts& counts) {
         counts.webhook_payloads_purged += changed(tx, event_payloads_purge, ids);
       }},
      {deletion_candidates, nil_uuid, true,
       [](pqxx::work& tx, const std::string& ids, RetentionCounts& counts) {
         counts.webhook_events_deleted += changed(tx, message_events_delete, ids);
         counts.documents_deleted += changed(tx, message_documents_delete, ids);
         counts.sends_deleted += changed(tx, message_sends_delete, ids);
         counts.deliveries_deleted += changed(tx, message_deliveries_delete, ids);
         counts.attachments_deleted += changed(tx, message_attachments_delete, ids);
         counts.patients_deleted += changed(tx, message_patients_delete_all, ids);
         counts.messages_deleted += changed(tx, messages_delete, ids);
       }},
      {event_deletion_candidates, "0", true,
       [](pqxx::work& tx, const std::string& ids, RetentionCounts& counts) {
         counts.webhook_events_deleted += changed(tx, events_delete, ids);
       }},
      {rejection_deletion_candidates, "0", true,
       [](pqxx::work& tx, const std::string& ids, RetentionCounts& counts) {
         counts.webhook_rejections_deleted += changed(tx, rejections_delete, ids);
       }},
  };
  return steps;
}

RetentionCounts& operator+=(RetentionCounts& total, const RetentionCounts& batch) {
  total.messages_purged += batch.messages_purged;
  total.attachments_purged += batch.attachments_purged;
  total.webhook_payloads_purged += batch.webhook_payloads_purged;
  total.messages_deleted += batch.messages_deleted;
  total.patients_deleted += batch.patients_deleted;
  total.attachments_deleted += batch.attachments_deleted;
  total.deliveries_deleted += batch.deliveries_deleted;
  total.sends_deleted += batch.sends_deleted;
  total.documents_deleted += batch.documents_deleted;
  total.webhook_events_deleted += batch.webhook_events_deleted;
  total.webhook_rejections_deleted += batch.webhook_rejections_deleted;
  return total;
}

// Runs one step batch by batch, a transaction each, until its candidates run out; false when
// stop was set first.
bool run_step(pqxx::connection& connection, const Step& step, std::int64_t cutoff, int batch_size,
              const std::atomic<bool>& stop, RetentionPass& pass) {
  std::string cursor_at = "-infinity";
  std::string cursor_id = step.first_id;
  for (;;) {
    if (stop) return false;
    pqxx::work tx(connection);
    const auto rows = tx.exec_params(step.candidates, cutoff, cursor_at, cursor_id, batch_size);
    if (rows.empty()) {
      tx.commit();
      return true;
    }
    std::vector<std::string> ids;
    ids.reserve(rows.size());
    for (const auto& row : rows) ids.push_back(row[0].as<std::string>());
    cursor_id = ids.back();
    cursor_at = rows.back()[1].as<std::string>();
    RetentionCounts batch;
    step.act(tx, text_array_literal(ids), batch);
    tx.commit();
    pass.counts += batch;
    ++pass.transactions;
    if (rows.size() < static_cast<std::size_t>(batch_size)) return true;
  }
}

void read_cutoffs(pqxx::transaction_base& tx, const RetentionPolicy& policy, RetentionPass& pass) {
  const auto row = tx.exec_params1(retention_cutoffs, policy.content_days, policy.records_days);
  pass.content_cutoff = row[0].as<domain::EpochMicros>();
  pass.records_cutoff = row[1].as<domain::EpochMicros>();
}

boost::json::object counts_json(const RetentionCounts& counts) {
  return {{"messages_purged", counts.messages_purged},
          {"attachments_purged", counts.attachments_purged},
          {"webhook_payloads_purged", counts.webhook_payloads_purged},
          {"messages_deleted", counts.messages_deleted},
          {"patients_deleted", counts.patients_deleted},
          {"attachments_deleted", counts.attachments_deleted},
          {"deliveries_deleted", counts.deliveries_deleted},
          {"sends_deleted", counts.sends_deleted},
          {"documents_deleted", counts.documents_deleted},
          {"webhook_events_deleted", counts.webhook_events_deleted},
          {"webhook_rejections_deleted", counts.webhook_rejections_deleted}};
}

void audit_pass(pqxx::connection& connection, const std::string& actor,
                const RetentionPolicy& policy, const RetentionPass& pass) {
  const boost::json::object detail{
      {"outcome", to_string(pass.outcome)},
      {"content_days", policy.content_days},
      {"records_days", policy.records_days},
      {"batch_size", policy.batch_size},
      {"content_cutoff", domain::format_iso8601_utc(pass.content_cutoff)},
      {"records_cutoff", domain::format_iso8601_utc(pass.records_cutoff)},
      {"transactions", pass.transactions},
      {"counts", counts_json(pass.counts)}};
  pqxx::work tx(connection);
  append_audit_event(tx, {actor, audit_entity_type, audit_entity_id, audit_event_name,
                          boost::json::serialize(detail)});
  tx.commit();
}

bool passed_recently(pqxx::connection& connection, std::chrono::seconds min_gap) {
  if (min_gap.count() <= 0) return false;
  pqxx::read_transaction tx(connection);
  const auto field = tx.exec1(retention_seconds_since_last_pass)[0];
  return !field.is_null() && field.as<double>() < static_cast<double>(min_gap.count());
}

}  // namespace

const char* to_string(RetentionPass::Outcome outcome) {
  switch (outcome) {
    case RetentionPass::Outcome::pruned:
      return "pruned";
    case RetentionPass::Outcome::stopped:
      return "stopped";
    case RetentionPass::Outcome::busy:
      return "busy";
    case RetentionPass::Outcome::recent:
      return "recent";
  }
  return "pruned";
}

boost::asio::awaitable<RetentionPass> RetentionStore::prune(const RetentionPolicy& policy,
                                                            const std::string& actor,
                                                            const std::atomic<bool>& stop,
                                                            std::chrono::seconds min_gap) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    RetentionPass pass;
    RetentionLock lock(connection);
    if (!lock.held()) {
      pass.outcome = RetentionPass::Outcome::busy;
      return pass;
    }
    if (passed_recently(connection, min_gap)) {
      pass.outcome = RetentionPass::Outcome::recent;
      return pass;
    }
    {
      pqxx::read_transaction tx(connection);
      read_cutoffs(tx, policy, pass);
    }
    bool finished = true;
    for (const Step& step : pass_steps()) {
      const auto cutoff = step.records ? pass.records_cutoff : pass.content_cutoff;
      finished = run_step(connection, step, cutoff, policy.batch_size, stop, pass);
      if (!finished) break;
    }
    pass.outcome = finished ? RetentionPass::Outcome::pruned : RetentionPass::Outcome::stopped;
    audit_pass(connection, actor, policy, pass);
    return pass;
  });
}

boost::asio::awaitable<RetentionPass> RetentionStore::preview(const RetentionPolicy& policy) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    RetentionPass pass;
    pqxx::read_transaction tx(connection);
    read_cutoffs(tx, policy, pass);
    const auto row = tx.exec_params1(retention_preview, pass.content_cutoff, pass.records_cutoff);
    auto& c = pass.counts;
    std::int64_t* fields[] = {&c.messages_purged,           &c.attachments_purged,
                              &c.webhook_payloads_purged,   &c.messages_deleted,
                              &c.patients_deleted,          &c.attachments_deleted,
                              &c.deliveries_deleted,        &c.sends_deleted,
                              &c.documents_deleted,         &c.webhook_events_deleted,
                              &c.webhook_rejections_deleted};
    for (std::size_t i = 0; i < std::size(fields); ++i)
      *fields[i] = row[static_cast<int>(i)].as<std::int64_t>();
    return pass;
  });
}

}  // namespace relay::pg
