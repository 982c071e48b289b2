// Integration tests of RelayStore's send records on a real server: the first send's single
// statement and the recording with its acceptance, including their guards and audit events.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/relay_store.hpp"
#include "adapters/postgres/vendor_repository.hpp"
#include "gateway/cli/run_sync.hpp"
#include "tests/support/test_database.hpp"

namespace {

using relay::domain::DeliveryState;
using relay::pg::ClaimedDelivery;
using relay::pg::DeliveryChange;
using namespace std::chrono_literals;

const std::string actor = "relay:test";

relay::domain::ValidatedMessage message_for(const std::string& external_id) {
  relay::domain::ValidatedMessage message;
  message.external_id = external_id;
  message.from_external_id = "dr-12";
  message.patients.push_back({external_id + "-patient", false, std::nullopt});
  message.subject = "Subject";
  message.body = "Body.";
  message.relay_subject = "Subject";
  message.relay_body = "Body.";
  message.status = relay::domain::RequestedStatus::sent;
  message.route = {"clinic@direct.example.org", {}};
  message.content_hash = "hash-" + external_id;
  return message;
}

// A plain in-flight step, as the state machine makes it: the lease renewed, nothing else.
DeliveryChange step(const ClaimedDelivery& delivery, DeliveryState from, DeliveryState to,
                    const std::string& event) {
  DeliveryChange change;
  change.delivery_id = delivery.id;
  change.from_state = from;
  change.to_state = to;
  change.lease_holder = delivery.lease_token;
  change.lease = relay::pg::LeaseChange::take_or_extend;
  change.new_lease_holder = delivery.lease_token;
  change.lease_length = 60s;
  change.actor = actor;
  change.audit_event = event;
  return change;
}

DeliveryChange acceptance(const ClaimedDelivery& delivery) {
  DeliveryChange change;
  change.delivery_id = delivery.id;
  change.from_state = DeliveryState::sending;
  change.to_state = DeliveryState::accepted;
  change.lease_holder = delivery.lease_token;
  change.lease = relay::pg::LeaseChange::release;
  change.stamp_accepted = true;
  change.actor = actor;
  change.audit_event = "delivery.accepted";
  change.audit_detail_json = R"({"from":"sending","to":"accepted","attempts":0})";
  return change;
}

struct Fixture {
  relay::testing::TestDatabase database;
  relay::pg::ConnectionPool pool{database.url(), 2};
  relay::pg::RelayStore store{pool};

  Fixture() {
    pqxx::work tx(database.connection());
    const auto vendor = relay::pg::VendorRepository::insert(tx, "vendor-a", "h");
    relay::pg::MessageRepository::insert(tx, vendor, message_for("EXT-1"));
    tx.commit();
  }
  ~Fixture() { pool.stop(); }

  ClaimedDelivery claim() {
    auto claimed = relay::cli::run_sync(store.claim("test:", 16, 60s, 24h, actor));
    BOOST_REQUIRE_EQUAL(claimed.size(), 1u);
    return std::move(claimed.front());
  }

  // The common path's steps since the claim: patient looked up, one part planned, no document.
  void take_first_send_steps(ClaimedDelivery& delivery, const std::string& patient_id) {
    delivery.pending.metriport_patient_id = patient_id;
    delivery.pending.cache_patient = true;
    delivery.pending.patient_external_id = delivery.patient_external_id;
    delivery.pending.ensure_parts = 1;
    delivery.pending.changes.push_back(step(delivery, DeliveryState::resolving,
                                            DeliveryState::uploading, "delivery.patient_resolved"));
    delivery.pending.changes.push_back(step(delivery, DeliveryState::uploading,
                                            DeliveryState::sending, "delivery.documents_ready"));
  }

  relay::pg::SendStart send_start(const ClaimedDelivery& delivery) {
    relay::pg::SendStart start;
    start.delivery_id = delivery.id;
    start.lease_token = delivery.lease_token;
    start.lease = 60s;
    start.part = 1;
    start.actor = actor;
    start.audit_detail_json = R"({"part":1,"parts":1})";
    return start;
  }

  relay::pg::SendRecord send_record(const ClaimedDelivery& delivery, const std::string& id) {
    relay::pg::SendRecord record;
    record.delivery_id = delivery.id;
    record.send_id = delivery.sends.front().id;
    record.metriport_message_id = id;
    record.actor = actor;
    record.audit_event = "delivery.send_recorded";
    record.audit_detail_json = R"({"part":1,"parts":1,"metriport_message_id":")" + id + "\"}";
    record.accept = acceptance(delivery);
    return record;
  }

  pqxx::row one(const std::string& sql, std::int64_t delivery_id) {
    pqxx::work tx(database.connection());
    return tx.exec_params1(sql, delivery_id);
  }

  std::vector<std::string> events_of(std::int64_t delivery_id) {
    pqxx::work tx(database.connection());
    std::vector<std::string> events;
    for (const auto& row : tx.exec_params("SELECT event FROM audit_events WHERE entity_id = $1 "
                                          "AND entity_type = 'delivery' ORDER BY id",
                                          std::to_string(delivery_id))) {
      events.push_back(row[0].as<std::string>());
    }
    return events;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(relay_store, Fixture)

BOOST_AUTO_TEST_CASE(a_first_send_is_recorded_with_the_steps_since_the_claim) {
  auto delivery = claim();
  take_first_send_steps(delivery, "patient-1");
  const auto sends = relay::cli::run_sync(store.start_send(delivery, send_start(delivery)));
  BOOST_REQUIRE(sends.has_value());
  BOOST_REQUIRE_EQUAL(sends->size(), 1u);
  BOOST_TEST(sends->front().part == 1);
  BOOST_TEST(sends->front().parts == 1);
  BOOST_TEST((sends->front().status == relay::domain::SendStatus::sending));
  BOOST_TEST(sends->front().first_attempt_at.has_value());
  BOOST_TEST(delivery.pending.empty());

  const auto row = one(
      "SELECT d.state, d.metriport_patient_id, d.locked_by, d.locked_until > now(), "
      "(SELECT metriport_patient_id FROM patient_cache WHERE external_id = d.patient_external_id) "
      "FROM deliveries d WHERE d.id = $1",
      delivery.id);
  BOOST_TEST(row[0].as<std::string>() == "sending");
  BOOST_TEST(row[1].as<std::string>() == "patient-1");
  BOOST_TEST(row[2].as<std::string>() == delivery.lease_token);
  BOOST_TEST(row[3].as<bool>());
  BOOST_TEST(row[4].as<std::string>() == "patient-1");

  BOOST_TEST((events_of(delivery.id) ==
              std::vector<std::string>{"delivery.claimed", "delivery.send_started"}));
  const auto detail =
      boost::json::parse(one("SELECT detail::text FROM audit_events WHERE entity_id = $1::text "
                             "AND event = 'delivery.send_started'",
                             delivery.id)[0]
                             .as<std::string>());
  // jsonb keeps its own key order: compared as objects.
  BOOST_TEST(
      (detail ==
       boost::json::parse(R"({"part":1,"parts":1,"from":"resolving","to":"sending",)"
                          R"("steps":["delivery.patient_resolved","delivery.documents_ready"]})")));
}

BOOST_AUTO_TEST_CASE(a_first_send_after_the_lease_was_lost_writes_nothing) {
  auto delivery = claim();
  take_first_send_steps(delivery, "patient-1");
  {
    pqxx::work tx(database.connection());
    tx.exec_params0("UPDATE deliveries SET locked_by = 'someone-else' WHERE id = $1", delivery.id);
    tx.commit();
  }
  const auto sends = relay::cli::run_sync(store.start_send(delivery, send_start(delivery)));
  BOOST_TEST(!sends.has_value());
  BOOST_TEST(!delivery.pending.empty());  // kept: nothing was stored
  const auto row =
      one("SELECT d.state, d.metriport_patient_id IS NULL, "
          "(SELECT count(*) FROM delivery_sends WHERE delivery_id = d.id), "
          "(SELECT count(*) FROM patient_cache) FROM deliveries d WHERE d.id = $1",
          delivery.id);
  BOOST_TEST(row[0].as<std::string>() == "resolving");
  BOOST_TEST(row[1].as<bool>());
  BOOST_TEST(row[2].as<int>() == 0);
  BOOST_TEST(row[3].as<int>() == 0);
  BOOST_TEST((events_of(delivery.id) == std::vector<std::string>{"delivery.claimed"}));
}

BOOST_AUTO_TEST_CASE(the_id_and_the_acceptance_are_one_commit_and_a_second_record_changes_nothing) {
  auto delivery = claim();
  take_first_send_steps(delivery, "patient-1");
  delivery.sends = *relay::cli::run_sync(store.start_send(delivery, send_start(delivery)));

  const auto record = send_record(delivery, "mm-1");
  const auto recorded = relay::cli::run_sync(store.record_send(record));
  BOOST_TEST(recorded.recorded);
  BOOST_TEST(recorded.accepted);
  BOOST_TEST(!recorded.settle_now);
  BOOST_TEST(!recorded.webhooks_waiting);
  const auto row =
      one("SELECT d.state, d.locked_by IS NULL, d.locked_until IS NULL, d.accepted_at IS NOT NULL, "
          "s.status, s.metriport_message_id FROM deliveries d JOIN delivery_sends s "
          "ON s.delivery_id = d.id WHERE d.id = $1",
          delivery.id);
  BOOST_TEST(row[0].as<std::string>() == "accepted");
  BOOST_TEST(row[1].as<bool>());
  BOOST_TEST(row[2].as<bool>());
  BOOST_TEST(row[3].as<bool>());
  BOOST_TEST(row[4].as<std::string>() == "processing");
  BOOST_TEST(row[5].as<std::string>() == "mm-1");
  BOOST_TEST((events_of(delivery.id) ==
              std::vector<std::string>{"delivery.claimed", "delivery.send_started",
                                       "delivery.send_recorded", "delivery.accepted"}));

  const auto again = relay::cli::run_sync(store.record_send(send_record(delivery, "mm-2")));
  BOOST_TEST(!again.recorded);
  BOOST_TEST(!again.accepted);
  BOOST_TEST(
      one("SELECT metriport_message_id FROM delivery_sends WHERE delivery_id = $1", delivery.id)[0]
          .as<std::string>() == "mm-1");
  BOOST_TEST(events_of(delivery.id).size() == 4u);
}

BOOST_AUTO_TEST_CASE(an_id_recorded_after_the_lease_was_lost_is_kept_but_does_not_accept) {
  auto delivery = claim();
  take_first_send_steps(delivery, "patient-1");
  delivery.sends = *relay::cli::run_sync(store.start_send(delivery, send_start(delivery)));
  {
    pqxx::work tx(database.connection());
    tx.exec_params0("UPDATE deliveries SET locked_by = 'someone-else' WHERE id = $1", delivery.id);
    tx.commit();
  }
  const auto recorded = relay::cli::run_sync(store.record_send(send_record(delivery, "mm-1")));
  BOOST_TEST(recorded.recorded);  // Metriport has the message: the id is a fact
  BOOST_TEST(!recorded.accepted);
  const auto row =
      one("SELECT d.state, s.metriport_message_id FROM deliveries d JOIN delivery_sends s "
          "ON s.delivery_id = d.id WHERE d.id = $1",
          delivery.id);
  BOOST_TEST(row[0].as<std::string>() == "sending");
  BOOST_TEST(row[1].as<std::string>() == "mm-1");
  BOOST_TEST((events_of(delivery.id) == std::vector<std::string>{"delivery.claimed",
                                                                 "delivery.send_started",
                                                                 "delivery.send_recorded"}));
}

BOOST_AUTO_TEST_CASE(a_webhook_waiting_for_the_id_and_final_parts_are_reported) {
  auto delivery = claim();
  take_first_send_steps(delivery, "patient-1");
  delivery.sends = *relay::cli::run_sync(store.start_send(delivery, send_start(delivery)));
  {
    pqxx::work tx(database.connection());
    tx.exec_params0(
        "INSERT INTO webhook_events (metriport_event_id, event_type, metriport_message_id, "
        "payload, outcome) VALUES ('ev-1', 'message.status', 'mm-1', '{}'::jsonb, 'waiting')");
    tx.commit();
  }
  auto record = send_record(delivery, "mm-1");
  record.accept.reset();  // a part recorded without the acceptance: nothing moves
  const auto recorded = relay::cli::run_sync(store.record_send(record));
  BOOST_TEST(recorded.recorded);
  BOOST_TEST(!recorded.accepted);
  BOOST_TEST(recorded.webhooks_waiting);
  BOOST_TEST(one("SELECT state FROM deliveries WHERE id = $1", delivery.id)[0].as<std::string>() ==
             "sending");
}

BOOST_AUTO_TEST_CASE(an_acceptance_that_changes_more_is_refused_before_anything_is_written) {
  auto delivery = claim();
  take_first_send_steps(delivery, "patient-1");
  delivery.sends = *relay::cli::run_sync(store.start_send(delivery, send_start(delivery)));
  auto record = send_record(delivery, "mm-1");
  record.accept->count_attempt = true;
  BOOST_CHECK_THROW(relay::cli::run_sync(store.record_send(record)), std::logic_error);
  BOOST_TEST(one("SELECT metriport_message_id IS NULL FROM delivery_sends WHERE delivery_id = $1",
                 delivery.id)[0]
                 .as<bool>());
}

BOOST_AUTO_TEST_SUITE_END()
