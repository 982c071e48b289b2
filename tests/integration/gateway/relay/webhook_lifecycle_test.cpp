// Integration tests of the Draft-to-Sent lifecycle driven by signed webhooks: Sent when every
// patient's delivery completed, failures kept visible, duplicates, reordering, replays, early
// webhooks and fields Metriport adds harmless, and a lost webhook recovered by the reconciler.
#include <fstream>
#include <thread>

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

RelaySetup with_webhooks(std::string simulator_settings) {
  RelaySetup setup = RelaySetup::with_simulator(std::move(simulator_settings));
  setup.webhooks = true;
  return setup;
}

bool wait_for_count(RelayFixture& relay, const std::string& sql, std::int64_t expected,
                    std::chrono::milliseconds timeout) {
  return SimulatorProcess::wait_until([&] { return relay.count(sql) >= expected; }, timeout);
}

std::string text(const boost::json::object& object, const char* key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(webhook_lifecycle)

BOOST_AUTO_TEST_CASE(message_becomes_sent_when_every_delivery_completed) {
  RelayFixture relay(with_webhooks(R"({"webhook_delay_ms": 50})"));
  relay.post({"LIFE-1", {"LP-1", "LP-2"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 2, 20s));
  BOOST_REQUIRE(wait_for_count(
      relay,
      "SELECT count(*) FROM messages WHERE external_id = 'LIFE-1' AND portal_status = 'Sent'", 1,
      10s));
  const auto message = relay.portal_message("LIFE-1");
  BOOST_TEST(text(message, "status") == "Sent");
  BOOST_TEST(!text(message, "sentDate").empty());
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE outcome = 'applied'") == 2);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = 'message.sent'") == 1);
  BOOST_TEST(relay.count("SELECT count(*) FROM delivery_sends WHERE status = 'completed' "
                         "AND completed_at IS NOT NULL") == 2);
}

BOOST_AUTO_TEST_CASE(failed_outcome_keeps_the_message_draft_with_the_reason) {
  RelayFixture relay(with_webhooks(
      R"({"webhook_delay_ms": 50, "failed_rate": 1, "failed_reason": "Recipient unknown at HISP"})"));
  relay.post({"LIFE-2", {"LF-1"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'failed'", 1, 20s));
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE state = 'failed' "
                         "AND last_error = 'Recipient unknown at HISP'") == 1);
  BOOST_TEST(text(relay.portal_message("LIFE-2"), "status") == "Draft");
  const auto listing = run_cli({"deliveries", "relay-vendor", "LIFE-2"},
                               {{"DATABASE_URL", relay.gateways->database.url()}});
  BOOST_TEST(listing.exit_code == 0);
  BOOST_TEST(listing.out.find("state failed") != std::string::npos, listing.out);
  BOOST_TEST(listing.out.find("Recipient unknown at HISP") != std::string::npos, listing.out);
}

BOOST_AUTO_TEST_CASE(duplicated_reordered_and_replayed_webhooks_change_nothing_twice) {
  RelayFixture relay(with_webhooks(
      R"({"webhook_delay_ms": 20, "webhook_duplicate_rate": 1, "webhook_reorder_window_ms": 300})"));
  for (int i = 0; i < 5; ++i) {
    relay.post({"DUP-" + std::to_string(i),
                {"LD-" + std::to_string(i) + "a", "LD-" + std::to_string(i) + "b"}});
  }
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 10, 20s));
  BOOST_REQUIRE(
      wait_for_count(relay, "SELECT count(*) FROM webhook_events WHERE deliveries = 2", 10, 10s));
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events") == 10);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = 'message.sent'") == 5);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = "
                         "'delivery.send_completed'") == 10);

  // A captured webhook replayed later (same bytes, same signature): 200, and nothing changes.
  const auto received = relay.simulator.received();
  const auto& hook = received.at("webhooks").as_array().at(0).as_object();
  const std::string raw(hook.at("rawBody").as_string());
  const std::string signature(hook.at("signature").as_string());
  const auto before = relay.count("SELECT count(*) FROM audit_events");
  const auto replay = relay.post_webhook(raw, signature);
  BOOST_TEST(replay.status == 200);
  std::this_thread::sleep_for(500ms);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events") == before);
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE deliveries = 3") == 1);

  // Metriport changing its mind later (a 'failed' event for a completed send) moves nothing back.
  const auto sends = relay.simulator.received().at("messages").as_array();
  const std::string sent_id(sends.at(0).at("id").as_string());
  const std::string late =
      R"({"meta":{"messageId":"5f0c6a52-1111-4a55-9d3c-6c1f0c1d2e3f","when":"2026-06-16T18:41:00.000Z","type":"message.status"},"payload":{"id":")" +
      sent_id +
      R"(","patientId":"2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f","status":"failed","sentAt":"2026-06-16T18:39:00.000Z","completedAt":"2026-06-16T18:41:00.000Z","reason":"late"}})";
  BOOST_TEST(
      relay.post_webhook(late, RelayFixture::sign(relay.simulator.options().webhook_key, late))
          .status == 200);
  BOOST_REQUIRE(wait_for_count(
      relay, "SELECT count(*) FROM webhook_events WHERE outcome = 'unchanged'", 1, 10s));
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE state <> 'completed'") == 0);
  BOOST_TEST(relay.count("SELECT count(*) FROM delivery_sends WHERE status = 'failed'") == 0);
}

BOOST_AUTO_TEST_CASE(webhook_before_the_send_answer_is_applied_when_the_id_appears) {
  // The simulator posts the webhook at once but answers the send only after 400 ms. The
  // reconciler's sweep runs once a minute here: only recording the id can apply the event in time.
  RelayFixture relay(with_webhooks(R"({"webhook_delay_ms": 0, "latency_ms": 400})"));
  relay.post({"EARLY-1", {"LE-1"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 1, 10s));
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE outcome = 'applied'") == 1);
  // The event was stored before the id was recorded (it had to wait for it).
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events w JOIN delivery_sends s "
                         "ON s.metriport_message_id = w.metriport_message_id "
                         "WHERE w.received_at < s.sent_at") == 1);
  BOOST_TEST(text(relay.portal_message("EARLY-1"), "status") == "Sent");
}

BOOST_AUTO_TEST_CASE(waiting_webhooks_apply_the_status_stored_at_the_door_not_the_payload) {
  // The send is answered 2 s after its webhook arrives. Meanwhile the waiting event's payload is
  // cut down to its meta (what retention keeps): the relay applies the columns stored with it.
  RelayFixture relay(with_webhooks(R"({"webhook_delay_ms": 0, "latency_ms": 2000})"));
  relay.post({"CUT-1", {"LC-1"}});
  BOOST_REQUIRE(wait_for_count(
      relay, "SELECT count(*) FROM webhook_events WHERE outcome = 'waiting'", 1, 10s));
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE status = 'completed' AND "
                         "completed_at IS NOT NULL AND status_reason IS NULL") == 1);
  {
    pqxx::connection connection(relay.gateways->database.url());
    pqxx::work tx(connection);
    const auto cut = tx.exec(
        "UPDATE webhook_events SET payload = jsonb_build_object('meta', payload -> 'meta') "
        "WHERE outcome = 'waiting'");
    BOOST_REQUIRE(cut.affected_rows() == 1);
    tx.commit();
  }
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 1, 10s));
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE outcome = 'applied'") == 1);
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events w JOIN delivery_sends s "
                         "ON s.metriport_message_id = w.metriport_message_id "
                         "WHERE s.status = 'completed' AND s.completed_at = w.completed_at") == 1);
  BOOST_TEST(text(relay.portal_message("CUT-1"), "status") == "Sent");
}

BOOST_AUTO_TEST_CASE(lost_webhooks_are_recovered_by_the_reconciler) {
  RelaySetup setup = with_webhooks(R"({"webhook_delay_ms": 20, "webhook_loss_rate": 1})");
  setup.reconcile_after_seconds = 1;
  setup.reconcile_interval_seconds = 1;
  setup.flag_after_seconds = 600;
  RelayFixture relay(setup);
  relay.post({"LOST-1", {"LL-1", "LL-2"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 2, 30s));
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events") == 0);  // none ever arrived
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = "
                         "'delivery.send_completed' AND actor LIKE 'relay:%'") == 2);
  BOOST_TEST(text(relay.portal_message("LOST-1"), "status") == "Sent");
}

BOOST_AUTO_TEST_CASE(unconfirmed_deliveries_are_flagged_for_operators) {
  // Metriport never finishes: the poll sees "processing", and after flag_after the delivery is
  // flagged (visible in `queue` and `deliveries`).
  RelaySetup setup = with_webhooks(R"({"webhook_delay_ms": 600000})");
  setup.reconcile_after_seconds = 1;
  setup.reconcile_interval_seconds = 1;
  setup.flag_after_seconds = 2;
  RelayFixture relay(setup);
  relay.post({"SLOW-1", {"LS-1"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted' AND flagged_at IS NOT NULL", 1, 20s));
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = "
                         "'delivery.unconfirmed'") == 1);
  const auto queue = run_cli({"queue"}, {{"DATABASE_URL", relay.gateways->database.url()}});
  BOOST_TEST(queue.out.find("deliveries_flagged_unconfirmed 1") != std::string::npos, queue.out);
  BOOST_TEST(text(relay.portal_message("SLOW-1"), "status") == "Draft");
}

BOOST_AUTO_TEST_CASE(status_webhooks_with_fields_metriport_adds_are_applied) {
  // Metriport's schemas drop keys they do not define, so it may add a field to message.status at
  // any time. The simulator's own webhooks are lost here; tests/contract/generate-webhooks.js
  // builds one completed event per send, each with an added field (top level, meta, payload in
  // turn), checked with @metriport/shared's schema and signed: the gateway applies all three.
  RelayFixture relay(with_webhooks(R"({"webhook_delay_ms": 0, "webhook_loss_rate": 1})"));
  relay.post({"ADDED-1", {"LA-1", "LA-2", "LA-3"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 3, 20s));
  const std::string ids =
      relay.text("SELECT string_agg(metriport_message_id, ',' ORDER BY id) FROM delivery_sends");
  const std::string contract_dir = std::string(RELAY_SOURCE_DIR) + "/tests/contract";
  const std::string fixture = relay.gateways->config_path.parent_path().string() + "/added.jsonl";
  const auto generated =
      run_process("/usr/bin/env", {"node", contract_dir + "/generate-webhooks.js"},
                  {{"WEBHOOK_KEY", relay.setup.webhook_keys},
                   {"WEBHOOK_FIXTURE_FILE", fixture},
                   {"WEBHOOK_MESSAGE_IDS", ids},
                   {"WEBHOOK_EXTRAS", "0"},
                   {"WEBHOOK_ADDED_FIELDS", "1"}});
  BOOST_REQUIRE_MESSAGE(
      generated.exit_code == 0,
      "generate-webhooks.js failed (run npm ci in tests/contract): " << generated.err);
  std::ifstream lines(fixture);
  std::string line;
  std::vector<std::string> places;
  while (std::getline(lines, line)) {
    const auto entry = boost::json::parse(line).as_object();
    places.push_back(std::string(entry.at("addedField").at("where").as_string()));
    const auto answer = relay.post_webhook(std::string(entry.at("rawBody").as_string()),
                                           std::string(entry.at("signature").as_string()));
    BOOST_TEST(answer.status == 200, answer.body);
    BOOST_TEST(answer.body == R"({"received":true})");
  }
  BOOST_TEST((places == std::vector<std::string>{"top", "meta", "payload"}));
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 3, 10s));
  BOOST_REQUIRE(wait_for_count(
      relay,
      "SELECT count(*) FROM messages WHERE external_id = 'ADDED-1' AND portal_status = 'Sent'", 1,
      10s));
  BOOST_TEST(text(relay.portal_message("ADDED-1"), "status") == "Sent");
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE outcome = 'applied'") == 3);
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_rejections") == 0);
  // Each added field is logged once by name (never its value).
  const std::string log = relay.gateways->gateway->log_text();
  for (const char* field : {"schemaVersion", "meta.attempt", "payload.hispReceipt"}) {
    BOOST_TEST(log.find(std::string(R"("field":")") + field + "\"") != std::string::npos, field);
  }
  BOOST_TEST(log.find("accepted-by-recipient-hisp") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
