// Integration tests of RetentionStore on a real server: what is purged, what is deleted, what is
// never touched, re-runs, batch sizes, the cross-process lock, the dry run and the audit event.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/retention_store.hpp"
#include "adapters/postgres/vendor_repository.hpp"
#include "gateway/cli/run_sync.hpp"
#include "gateway/domain/digest.hpp"
#include "tests/support/test_database.hpp"

namespace relay::pg {
// Boost.Test prints the outcome of a failed comparison.
std::ostream& operator<<(std::ostream& out, RetentionPass::Outcome outcome) {
  return out << to_string(outcome);
}
}  // namespace relay::pg

namespace {

using relay::pg::RetentionCounts;
using relay::pg::RetentionPass;
using relay::pg::RetentionPolicy;
using namespace std::chrono_literals;

constexpr int fresh = 1;      // days: inside both retention periods
constexpr int stale = 60;     // past content_days (30), inside records_days (365)
constexpr int ancient = 400;  // past both

// One message: a delivery per state ("flagged" is an accepted delivery flagged for operators).
struct Seed {
  std::vector<std::string> states;
  int age_days = stale;      // since the message and each delivery last changed
  bool draft = false;        // posted as a Draft
  int recent_delivery = -1;  // this delivery changed a day ago whatever the age
};

relay::domain::ValidatedMessage message_for(const std::string& external_id, const Seed& seed) {
  relay::domain::ValidatedMessage message;
  message.external_id = external_id;
  message.from_external_id = "dr-12";
  message.from_name = "Dr. Private Name";
  for (std::size_t i = 0; i < seed.states.size(); ++i) {
    message.patients.push_back(
        {external_id + "-patient-" + std::to_string(i), false, std::nullopt});
  }
  message.subject = "Private subject";
  message.body = "Private body text.";
  message.relay_subject = "Private subject";
  message.relay_body = "Private body text.";
  message.status =
      seed.draft ? relay::domain::RequestedStatus::draft : relay::domain::RequestedStatus::sent;
  message.route = {"clinic@direct.example.org", {}};
  message.content_hash = "hash-" + external_id;
  relay::domain::Attachment file;
  file.file_name = "results.pdf";
  file.content_type = "application/pdf";
  file.bytes = "%PDF private bytes";
  file.sha256_hex = relay::domain::sha256_hex(file.bytes);
  message.attachments.push_back(file);
  return message;
}

std::string status_payload(const std::string& event_id, const std::string& metriport_id,
                           const std::string& status) {
  return boost::json::serialize(boost::json::object{
      {"meta",
       {{"messageId", event_id},
        {"when", "2025-01-01T00:00:00.000Z"},
        {"type", "message.status"},
        {"data", {{"note", "private"}}}}},
      {"payload", {{"id", metriport_id}, {"status", status}, {"reason", "private reason"}}}});
}

struct Fixture {
  relay::testing::TestDatabase database;
  std::int64_t vendor = 0;
  relay::pg::ConnectionPool pool{database.url(), 1};
  relay::pg::RetentionStore store{pool};
  const std::atomic<bool> never_stop{false};

  Fixture() {
    pqxx::work tx(database.connection());
    vendor = relay::pg::VendorRepository::insert(tx, "vendor-a", "h");
    tx.commit();
  }

  ~Fixture() { pool.stop(); }

  std::string seed(const std::string& external_id, const Seed& how) {
    pqxx::work tx(database.connection());
    const auto message = message_for(external_id, how);
    const std::string id = relay::pg::MessageRepository::insert(tx, vendor, message).id;
    const auto attachment_id =
        tx.exec_params1("SELECT id FROM attachments WHERE message_id = $1::uuid", id)[0]
            .as<std::int64_t>();
    bool all_completed = true;
    for (std::size_t i = 0; i < how.states.size(); ++i) {
      const std::string& state = how.states[i];
      const std::string stored_state = state == "flagged" ? "accepted" : state;
      all_completed = all_completed && state == "completed";
      const auto delivery_id =
          tx.exec_params1(
                "UPDATE deliveries SET state = $3, flagged_at = CASE WHEN $4 THEN now() END "
                "WHERE message_id = $1::uuid AND patient_position = $2 RETURNING id",
                id, static_cast<int>(i), stored_state, state == "flagged")[0]
              .as<std::int64_t>();
      if (state != "completed" && state != "failed" && state != "accepted" && state != "flagged") {
        continue;
      }
      // What relaying left behind: the send, the uploaded document, the applied webhook.
      const std::string metriport_id = "mm-" + external_id + "-" + std::to_string(i);
      const std::string send_status =
          state == "completed" ? "completed" : (state == "failed" ? "failed" : "processing");
      tx.exec_params0(
          "INSERT INTO delivery_sends (delivery_id, part, parts, metriport_message_id, status) "
          "VALUES ($1, 1, 1, $2, $3)",
          delivery_id, metriport_id, send_status);
      tx.exec_params0(
          "INSERT INTO delivery_documents (delivery_id, attachment_id, metriport_document_id, "
          "uploaded_at) VALUES ($1, $2, $3, now())",
          delivery_id, attachment_id, "doc-" + metriport_id);
      if (send_status == "processing") continue;
      const std::string event_id = "ev-" + metriport_id;
      tx.exec_params0(
          "INSERT INTO webhook_events (metriport_event_id, event_type, metriport_message_id, "
          "payload, outcome, applied_at) VALUES ($1, 'message.status', $2, $3::jsonb, 'applied', "
          "now())",
          event_id, metriport_id, status_payload(event_id, metriport_id, send_status));
    }
    if (all_completed && !how.draft) {
      tx.exec_params0(
          "UPDATE messages SET portal_status = 'Sent', sent_date = now() "
          "WHERE id = $1::uuid",
          id);
    }
    age(tx, id, how.age_days);
    if (how.recent_delivery >= 0) {
      tx.exec_params0(
          "UPDATE deliveries SET updated_at = now() - interval '1 day' "
          "WHERE message_id = $1::uuid AND patient_position = $2",
          id, how.recent_delivery);
    }
    relay::pg::append_audit_event(tx, {"vendor:1", "message", id, "message.created", "{}"});
    tx.commit();
    return id;
  }

  // Moves every time of the message, its deliveries, sends and webhooks `days` into the past.
  static void age(pqxx::work& tx, const std::string& id, int days) {
    tx.exec_params0(
        "UPDATE messages SET updated_at = now() - make_interval(days => $2), "
        "creation_date = now() - make_interval(days => $2 + 1), "
        "sent_date = CASE WHEN sent_date IS NULL THEN NULL "
        "ELSE now() - make_interval(days => $2) END WHERE id = $1::uuid",
        id, days);
    tx.exec_params0(
        "UPDATE deliveries SET updated_at = now() - make_interval(days => $2), "
        "created_at = now() - make_interval(days => $2 + 1), "
        "completed_at = CASE WHEN state = 'completed' THEN now() - make_interval(days => $2) END "
        "WHERE message_id = $1::uuid",
        id, days);
    tx.exec_params0(
        "UPDATE webhook_events w SET received_at = now() - make_interval(days => $2), "
        "applied_at = CASE WHEN applied_at IS NULL THEN NULL "
        "ELSE now() - make_interval(days => $2) END "
        "FROM delivery_sends s JOIN deliveries d ON d.id = s.delivery_id "
        "WHERE d.message_id = $1::uuid AND w.metriport_message_id = s.metriport_message_id",
        id, days);
  }

  void age(const std::string& id, int days) {
    pqxx::work tx(database.connection());
    age(tx, id, days);
    tx.commit();
  }

  // A webhook naming no send (a ping, another event type): settled unless outcome is 'waiting'.
  void seed_unlinked_event(const std::string& event_id, int age_days, const std::string& outcome) {
    pqxx::work tx(database.connection());
    const std::string payload = boost::json::serialize(boost::json::object{
        {"meta", {{"messageId", event_id}, {"type", "medical.consolidated-data"}}},
        {"patients", boost::json::array{{{"name", "Private Patient"}}}}});
    tx.exec_params0(
        "INSERT INTO webhook_events (metriport_event_id, event_type, metriport_message_id, "
        "payload, outcome, received_at, applied_at) VALUES ($1, 'medical.consolidated-data', "
        "CASE WHEN $3 = 'waiting' THEN 'mm-unknown-' || $1 END, $4::jsonb, $3, "
        "now() - make_interval(days => $2), "
        "CASE WHEN $3 = 'waiting' THEN NULL ELSE now() - make_interval(days => $2) END)",
        event_id, age_days, outcome, payload);
    tx.commit();
  }

  void seed_rejection(int age_days) {
    pqxx::work tx(database.connection());
    tx.exec_params0(
        "INSERT INTO webhook_rejections (received_at, reason, body_bytes, body_sha256) "
        "VALUES (now() - make_interval(days => $1), 'payload.id: required', 10, 'abc')",
        age_days);
    tx.commit();
  }

  std::int64_t count(const std::string& sql) {
    pqxx::read_transaction tx(database.connection());
    return tx.exec1(sql)[0].as<std::int64_t>();
  }

  std::string text(const std::string& sql) {
    pqxx::read_transaction tx(database.connection());
    const auto field = tx.exec1(sql)[0];
    return field.is_null() ? "NULL" : field.as<std::string>();
  }

  // Every row of every table retention may change, as one digest (audit_events excluded: passes
  // append to it).
  std::string fingerprint() {
    std::string all;
    for (const char* table :
         {"messages", "message_patients", "attachments", "deliveries", "delivery_sends",
          "delivery_documents", "webhook_events", "webhook_rejections"}) {
      all += text(std::string("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), "
                              "'')) FROM ") +
                  table + " t");
    }
    return all;
  }

  RetentionPass prune(const RetentionPolicy& policy = {}, std::chrono::seconds min_gap = 0s) {
    const std::string actor = "retention:test-instance";
    return relay::cli::run_sync(store.prune(policy, actor, never_stop, min_gap));
  }

  RetentionPass preview(const RetentionPolicy& policy = {}) {
    return relay::cli::run_sync(store.preview(policy));
  }

  std::optional<relay::domain::StoredMessage> find(const std::string& external_id) {
    pqxx::read_transaction tx(database.connection());
    return relay::pg::MessageRepository::find_by_external_id(tx, vendor, external_id);
  }
};

std::string by_id(const char* sql_prefix, const std::string& id) {
  return std::string(sql_prefix) + " '" + id + "'::uuid";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(retention_store, Fixture)

BOOST_AUTO_TEST_CASE(purges_the_content_of_finished_messages_and_keeps_their_ids) {
  const auto sent = seed("SENT", {{"completed", "completed"}});
  const auto withdrawn = seed("PART-CANCELLED", {{"completed", "cancelled"}});

  const auto pass = prune();
  BOOST_TEST(pass.outcome == RetentionPass::Outcome::pruned);
  BOOST_TEST(pass.counts.messages_purged == 2);
  BOOST_TEST(pass.counts.attachments_purged == 2);
  BOOST_TEST(pass.counts.webhook_payloads_purged == 3);  // one per completed send
  BOOST_TEST(pass.counts.messages_deleted == 0);

  for (const auto& id : {sent, withdrawn}) {
    BOOST_TEST(count(by_id("SELECT count(*) FROM messages WHERE subject IS NULL AND body IS NULL "
                           "AND from_name IS NULL AND relay_subject IS NULL AND relay_body IS NULL "
                           "AND content_purged_at IS NOT NULL AND id =",
                           id)) == 1);
    BOOST_TEST(count(by_id("SELECT count(*) FROM attachments WHERE content IS NULL "
                           "AND file_name = 'results.pdf' AND size_bytes = 18 "
                           "AND sha256 = encode(sha256('%PDF private bytes'), 'hex') "
                           "AND message_id =",
                           id)) == 1);
    BOOST_TEST(count(by_id("SELECT count(*) FROM message_patients WHERE message_id =", id)) == 2);
    BOOST_TEST(count(by_id("SELECT count(*) FROM deliveries WHERE message_id =", id)) == 2);
  }
  // Webhook payloads keep their meta (ids, type, time) without meta.data; nothing else.
  BOOST_TEST(count("SELECT count(*) FROM webhook_events WHERE payload_purged_at IS NOT NULL "
                   "AND payload = jsonb_build_object('meta', jsonb_build_object("
                   "'messageId', metriport_event_id, 'when', '2025-01-01T00:00:00.000Z', "
                   "'type', 'message.status'))") == 3);
  BOOST_TEST(count("SELECT count(*) FROM messages WHERE content_hash = 'hash-SENT' "
                   "AND portal_status = 'Sent' AND sent_date IS NOT NULL") == 1);

  // The read-back: the files keep their names and lose their bytes.
  const auto stored = find("SENT");
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(!stored->subject.has_value());
  BOOST_TEST(!stored->body.has_value());
  BOOST_TEST(!stored->from_name.has_value());
  BOOST_REQUIRE(stored->files.size() == 1u);
  BOOST_TEST(stored->files[0].file_name == "results.pdf");
  BOOST_TEST(!stored->files[0].bytes.has_value());
  BOOST_TEST(stored->patients.size() == 2u);
}

BOOST_AUTO_TEST_CASE(never_touches_unfinished_draft_or_recent_work) {
  // Every one of these is old enough for both steps, except the recent ones.
  seed("QUEUED", {{"queued"}, ancient});
  seed("RETRY-WAIT", {{"retry_wait"}, ancient});
  seed("RESOLVING", {{"resolving"}, ancient});
  seed("UPLOADING", {{"uploading"}, ancient});
  seed("SENDING", {{"sending"}, ancient});
  seed("ACCEPTED", {{"accepted"}, ancient});
  seed("FLAGGED", {{"flagged"}, ancient});
  seed("FAILED", {{"failed"}, ancient});
  seed("DEAD", {{"dead"}, ancient});
  seed("DRAFT", {{"draft", "draft"}, ancient, true});
  seed("DRAFT-CANCELLED", {{"cancelled"}, ancient, true});
  seed("HALF-FAILED", {{"completed", "failed"}, ancient});
  seed("HALF-DEAD", {{"completed", "dead"}, ancient});
  seed("HALF-FLAGGED", {{"completed", "flagged"}, ancient});
  seed("HALF-QUEUED", {{"cancelled", "queued"}, ancient});
  seed("RECENT", {{"completed"}, fresh});
  seed("RECENTLY-CANCELLED", {{"completed", "cancelled"}, ancient, false, 1});
  seed_unlinked_event("waiting-old", ancient, "waiting");
  const auto before = fingerprint();

  const auto pass = prune();
  BOOST_TEST(pass.outcome == RetentionPass::Outcome::pruned);
  BOOST_TEST((pass.counts == RetentionCounts{}));
  BOOST_TEST(pass.transactions == 0);
  BOOST_TEST(fingerprint() == before);
  BOOST_TEST(count("SELECT count(*) FROM messages WHERE content_purged_at IS NOT NULL") == 0);
}

BOOST_AUTO_TEST_CASE(deletes_finished_messages_after_records_days_and_keeps_audit_events) {
  const auto old = seed("OLD", {{"completed", "completed"}, ancient});
  const auto withdrawn = seed("OLD-CANCELLED", {{"cancelled", "completed"}, ancient});
  const auto failed = seed("OLD-FAILED", {{"failed"}, ancient});
  const auto middle = seed("MIDDLE", {{"completed"}, stale});
  seed_unlinked_event("ping-ancient", ancient, "applied");
  seed_unlinked_event("waiting-ancient", ancient, "waiting");
  seed_unlinked_event("ping-stale", stale, "applied");
  seed_unlinked_event("ping-fresh", fresh, "applied");
  seed_rejection(ancient);
  seed_rejection(stale);
  const auto audit_before = count("SELECT count(*) FROM audit_events");

  const auto pass = prune();
  BOOST_TEST(pass.outcome == RetentionPass::Outcome::pruned);
  const auto& c = pass.counts;
  BOOST_TEST(c.messages_deleted == 2);
  BOOST_TEST(c.patients_deleted == 4);
  BOOST_TEST(c.attachments_deleted == 2);
  BOOST_TEST(c.deliveries_deleted == 4);
  BOOST_TEST(c.sends_deleted == 3);
  BOOST_TEST(c.documents_deleted == 3);
  BOOST_TEST(c.webhook_events_deleted == 4);  // 3 of the sends + the ancient ping
  BOOST_TEST(c.webhook_rejections_deleted == 1);
  // Purged first: both ancient messages, the stale one; payloads of their events and the pings.
  BOOST_TEST(c.messages_purged == 3);
  BOOST_TEST(c.webhook_payloads_purged == 6);

  for (const auto& id : {old, withdrawn}) {
    BOOST_TEST(count(by_id("SELECT count(*) FROM messages WHERE id =", id)) == 0);
    BOOST_TEST(count(by_id("SELECT count(*) FROM deliveries WHERE message_id =", id)) == 0);
    BOOST_TEST(count(by_id("SELECT count(*) FROM message_patients WHERE message_id =", id)) == 0);
    BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE entity_id = '" + id + "'") == 1);
  }
  BOOST_TEST(count("SELECT count(*) FROM webhook_events WHERE metriport_message_id LIKE 'mm-OLD-%'"
                   " AND metriport_message_id NOT LIKE 'mm-OLD-FAILED-%'") == 0);
  // Failed work stays whole; the stale message is purged, not deleted.
  BOOST_TEST(count(by_id("SELECT count(*) FROM messages WHERE content_purged_at IS NULL "
                         "AND subject IS NOT NULL AND id =",
                         failed)) == 1);
  BOOST_TEST(count("SELECT count(*) FROM webhook_events WHERE metriport_message_id = "
                   "'mm-OLD-FAILED-0' AND payload_purged_at IS NULL") == 1);
  BOOST_TEST(count(by_id("SELECT count(*) FROM messages WHERE content_purged_at IS NOT NULL "
                         "AND id =",
                         middle)) == 1);
  BOOST_TEST(count("SELECT count(*) FROM webhook_events WHERE metriport_event_id IN "
                   "('waiting-ancient', 'ping-stale', 'ping-fresh')") == 3);
  BOOST_TEST(count("SELECT count(*) FROM webhook_events WHERE metriport_event_id = 'ping-stale' "
                   "AND payload_purged_at IS NOT NULL AND NOT payload ? 'patients'") == 1);
  BOOST_TEST(count("SELECT count(*) FROM webhook_events WHERE metriport_event_id IN "
                   "('waiting-ancient', 'ping-fresh') AND payload ? 'patients'") == 2);
  BOOST_TEST(count("SELECT count(*) FROM webhook_rejections") == 1);
  // Audit events are never deleted: the pass only added its own.
  BOOST_TEST(count("SELECT count(*) FROM audit_events") == audit_before + 1);
}

BOOST_AUTO_TEST_CASE(a_second_pass_changes_nothing) {
  seed("A", {{"completed"}, stale});
  seed("B", {{"completed", "cancelled"}, ancient});
  seed_unlinked_event("ping", ancient, "applied");
  seed_rejection(ancient);
  const auto first = prune();
  BOOST_TEST(first.transactions > 0);
  const auto after_first = fingerprint();

  const auto second = prune();
  BOOST_TEST(second.outcome == RetentionPass::Outcome::pruned);
  BOOST_TEST((second.counts == RetentionCounts{}));
  BOOST_TEST(second.transactions == 0);
  BOOST_TEST(fingerprint() == after_first);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE event = 'retention.pruned'") == 2);
}

BOOST_AUTO_TEST_CASE(each_transaction_holds_at_most_batch_size_candidates) {
  RetentionPolicy policy;
  policy.batch_size = 4;
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(seed("BATCH-" + std::to_string(i), {{"completed"}}));

  const auto purged = prune(policy);
  BOOST_TEST(purged.counts.messages_purged == 12);
  BOOST_TEST(purged.transactions == 3);
  // Rows one transaction wrote share its xmin: three transactions of four messages each.
  BOOST_TEST(count("SELECT count(DISTINCT xmin::text) FROM messages "
                   "WHERE content_purged_at IS NOT NULL") == 3);
  BOOST_TEST(count("SELECT max(n) FROM (SELECT count(*) AS n FROM messages "
                   "WHERE content_purged_at IS NOT NULL GROUP BY xmin::text) g") == 4);

  for (const auto& id : ids) age(id, ancient);
  const auto deleted = prune(policy);
  BOOST_TEST(deleted.counts.messages_deleted == 12);
  BOOST_TEST(deleted.transactions == 3);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 0);
}

BOOST_AUTO_TEST_CASE(one_pass_at_a_time_across_sessions) {
  seed("LOCKED", {{"completed"}});
  const auto before = fingerprint();
  int other_backend = 0;
  {
    // Another process's pass holds the lock: this one does nothing and records nothing.
    pqxx::connection other(database.url());
    other_backend = other.backendpid();
    pqxx::nontransaction tx(other);
    tx.exec_params("SELECT pg_advisory_lock($1)", relay::pg::retention_lock_key);
    const auto busy = prune();
    BOOST_TEST(busy.outcome == RetentionPass::Outcome::busy);
    BOOST_TEST(fingerprint() == before);
    BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE event = 'retention.pruned'") == 0);
    BOOST_TEST((preview().counts.messages_purged == 1));  // the dry run needs no lock
  }
  // That session ended (as when its process dies): the lock went with it, once the server has
  // seen the disconnection (its backend exits asynchronously).
  for (int i = 0; i < 100 && count("SELECT count(*) FROM pg_stat_activity WHERE pid = " +
                                   std::to_string(other_backend)) > 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto pass = prune();
  BOOST_TEST(pass.outcome == RetentionPass::Outcome::pruned);
  BOOST_TEST(pass.counts.messages_purged == 1);
  // The pass released the lock when it ended.
  pqxx::connection other(database.url());
  pqxx::nontransaction tx(other);
  BOOST_TEST(tx.exec_params1("SELECT pg_try_advisory_lock($1)", relay::pg::retention_lock_key)[0]
                 .as<bool>());
}

BOOST_AUTO_TEST_CASE(the_dry_run_counts_what_the_pass_changes_and_changes_nothing) {
  seed("STALE", {{"completed", "cancelled"}, stale});
  seed("ANCIENT", {{"completed", "completed"}, ancient});
  seed("ANCIENT-CANCELLED", {{"cancelled"}, ancient});
  seed("FAILED", {{"failed"}, ancient});
  seed("QUEUED", {{"queued"}, ancient});
  seed_unlinked_event("ping-ancient", ancient, "applied");
  seed_unlinked_event("ping-stale", stale, "ignored");
  seed_unlinked_event("waiting", ancient, "waiting");
  seed_rejection(ancient);
  seed_rejection(fresh);
  const auto before = fingerprint();
  const auto audit_before = count("SELECT count(*) FROM audit_events");

  const auto preview_pass = preview();
  BOOST_TEST(fingerprint() == before);
  BOOST_TEST(count("SELECT count(*) FROM audit_events") == audit_before);
  BOOST_TEST(preview_pass.transactions == 0);
  BOOST_TEST(preview_pass.counts.messages_purged == 3);
  BOOST_TEST(preview_pass.counts.messages_deleted == 2);

  const auto pass = prune();
  const auto& p = preview_pass.counts;
  const auto& c = pass.counts;
  BOOST_TEST(c.messages_purged == p.messages_purged);
  BOOST_TEST(c.attachments_purged == p.attachments_purged);
  BOOST_TEST(c.webhook_payloads_purged == p.webhook_payloads_purged);
  BOOST_TEST(c.messages_deleted == p.messages_deleted);
  BOOST_TEST(c.patients_deleted == p.patients_deleted);
  BOOST_TEST(c.attachments_deleted == p.attachments_deleted);
  BOOST_TEST(c.deliveries_deleted == p.deliveries_deleted);
  BOOST_TEST(c.sends_deleted == p.sends_deleted);
  BOOST_TEST(c.documents_deleted == p.documents_deleted);
  BOOST_TEST(c.webhook_events_deleted == p.webhook_events_deleted);
  BOOST_TEST(c.webhook_rejections_deleted == p.webhook_rejections_deleted);
  BOOST_TEST(pass.content_cutoff >= preview_pass.content_cutoff);
}

BOOST_AUTO_TEST_CASE(every_pass_writes_one_audit_event_with_its_counts_and_cutoffs) {
  seed("AUDITED", {{"completed"}});
  const auto pass = prune();
  BOOST_REQUIRE(count("SELECT count(*) FROM audit_events WHERE event = 'retention.pruned'") == 1);
  BOOST_TEST(text("SELECT actor || ' ' || entity_type || ' ' || entity_id FROM audit_events "
                  "WHERE event = 'retention.pruned'") == "retention:test-instance retention prune");
  const auto detail = boost::json::parse(
      text("SELECT detail::text FROM audit_events WHERE event = 'retention.pruned'"));
  BOOST_TEST(detail.at("outcome").as_string() == "pruned");
  BOOST_TEST(detail.at("content_days").as_int64() == 30);
  BOOST_TEST(detail.at("records_days").as_int64() == 365);
  BOOST_TEST(detail.at("batch_size").as_int64() == 500);
  BOOST_TEST(detail.at("transactions").as_int64() == pass.transactions);
  BOOST_TEST(detail.at("counts").at("messages_purged").as_int64() == 1);
  BOOST_TEST(detail.at("counts").at("attachments_purged").as_int64() == 1);
  const std::string content_cutoff(detail.at("content_cutoff").as_string());
  const std::string records_cutoff(detail.at("records_cutoff").as_string());
  BOOST_TEST(content_cutoff.ends_with("Z"));
  BOOST_TEST(records_cutoff < content_cutoff);
  // Nothing of the message's content in the event.
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE detail::text LIKE '%Private%'") == 0);

  // Within the gap after a pass, another pass skips its turn without a trace.
  const auto skipped = prune({}, 3600s);
  BOOST_TEST(skipped.outcome == RetentionPass::Outcome::recent);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE event = 'retention.pruned'") == 1);
}

BOOST_AUTO_TEST_CASE(a_stop_request_ends_the_pass_before_its_next_transaction) {
  seed("STOPPED", {{"completed"}});
  const auto before = fingerprint();
  const std::atomic<bool> stop{true};
  const RetentionPolicy policy;
  const std::string actor = "retention:stopping";
  const auto pass = relay::cli::run_sync(store.prune(policy, actor, stop, 0s));
  BOOST_TEST(pass.outcome == RetentionPass::Outcome::stopped);
  BOOST_TEST(pass.transactions == 0);
  BOOST_TEST(fingerprint() == before);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE event = 'retention.pruned' "
                   "AND detail->>'outcome' = 'stopped'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
