// Integration tests of POST /webhooks/metriport: the signature on the raw bytes (both keys during
// a rotation), ping, and bad input answered 4xx, recorded, never a 5xx, with no state change.
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

const std::string old_key = "old-webhook-key-0123456789";
const std::string new_key = "new-webhook-key-9876543210";

RelaySetup rotating_keys() {
  RelaySetup setup;
  setup.webhooks = true;
  setup.webhook_keys = old_key + "," + new_key;
  return setup;
}

std::string ping_body(const std::string& event_id) {
  return R"({"ping":"Uakgb_J5m9g-0JDMbcJqLJ","meta":{"messageId":")" + event_id +
         R"(","when":"2025-01-01T00:00:00.000Z","type":"ping"}})";
}

std::string status_body(const std::string& event_id, const std::string& extra_payload = "") {
  return R"({"meta":{"messageId":")" + event_id +
         R"(","when":"2026-06-16T18:40:00.000Z","type":"message.status"},"payload":{"id":"0b9cbf6c-5bd1-4c5b-9f33-1d2f4f1a7c11","patientId":"2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f","status":"completed","sentAt":"2026-06-16T18:39:00.000Z","completedAt":"2026-06-16T18:40:00.000Z")" +
         extra_payload + "}}";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(webhook_receiver)

BOOST_AUTO_TEST_CASE(signatures_are_checked_on_the_raw_bytes_with_every_configured_key) {
  RelayFixture relay(rotating_keys());
  const std::string body = ping_body("7d1f0b0e-0000-4000-8000-000000000001");
  for (const auto& key : {old_key, new_key}) {
    const auto answer = relay.post_webhook(body, RelayFixture::sign(key, body));
    BOOST_TEST(answer.status == 200);
    BOOST_TEST(answer.body == R"({"pong":"Uakgb_J5m9g-0JDMbcJqLJ"})");
  }
  // The spec's test vector signature with its own key is not one of ours: refused.
  const auto foreign = relay.post_webhook(body, RelayFixture::sign("V1StGXR8_Z5jdHi6B-myT", body));
  BOOST_TEST(foreign.status == 401);
  BOOST_TEST(foreign.body.empty());
  BOOST_TEST(relay.post_webhook(body, "").status == 401);  // no signature at all
  std::string changed = body;
  changed[changed.size() - 3] = 'X';  // one byte of the body changed, signature of the original
  BOOST_TEST(relay.post_webhook(changed, RelayFixture::sign(new_key, body)).status == 401);
  // Refused webhooks are not stored (nobody unauthenticated can make the gateway write).
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events") == 1);  // the ping, once
}

BOOST_AUTO_TEST_CASE(bad_input_is_a_4xx_recorded_without_state_change) {
  RelayFixture relay(rotating_keys());
  const auto signed_post = [&](const std::string& body) {
    return relay.post_webhook(body, RelayFixture::sign(new_key, body));
  };
  const std::pair<std::string, std::string> cases[] = {
      {"{not json", "body"},
      {R"([1,2,3])", "body"},
      {status_body("7d1f0b0e-0000-4000-8000-000000000002", R"(,"unexpected":1,"unexpected":2)"),
       "payload.unexpected"},
      {R"({"meta":{"messageId":"m","when":"2026-06-16T18:40:00.000Z","type":"message.status"},"payload":{"id":7}})",
       "payload.id"},
      {R"({"meta":{"when":"2026-06-16T18:40:00.000Z","type":"ping"},"ping":"x"})",
       "meta.messageId"},
      {R"({"meta":{"messageId":"m","when":"2026-06-16T18:40:00.000Z","type":"ping"},"ping":"a\u0000b"})",
       ""},
      {R"({"meta":{"messageId":"m","when":"0000-01-01T00:00:00.000Z","type":"ping"},"ping":"x"})",
       "meta.when"},
  };
  std::int64_t rejected = 0;
  for (const auto& [body, field] : cases) {
    BOOST_TEST_CONTEXT(body) {
      const auto answer = signed_post(body);
      BOOST_TEST(answer.status >= 400);
      BOOST_TEST(answer.status < 500);
      if (answer.status == 400) ++rejected;
      if (!field.empty()) BOOST_TEST(answer.body.find(field) != std::string::npos, answer.body);
    }
  }
  // A body over webhooks.max_body_bytes: 413 before it is read; a chunked body (no length): 411.
  const std::string huge(2 * 1024 * 1024, ' ');
  BOOST_TEST(signed_post(huge).status == 413);
  HttpClient raw_client("127.0.0.1", relay.gateways->gateway->port());
  const auto chunked = raw_client.send_raw(
      "POST /webhooks/metriport HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  BOOST_TEST(chunked.starts_with("HTTP/1.1 411"), chunked.substr(0, 40));
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_rejections") == rejected);
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events") == 0);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE entity_type = 'delivery'") == 0);
}

BOOST_AUTO_TEST_CASE(other_event_types_are_acknowledged_and_recorded) {
  RelayFixture relay(rotating_keys());
  for (const auto* type : {"medical.consolidated-data", "patient.admit", "message.received"}) {
    const std::string body = std::string(R"({"meta":{"messageId":")") + type +
                             R"(-1","when":"2026-06-16T18:40:00.000Z","type":")" + type +
                             R"("},"patients":[{"patientId":"p"}]})";
    BOOST_TEST(relay.post_webhook(body, RelayFixture::sign(old_key, body)).status == 200);
  }
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE outcome = 'recorded'") == 3);
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_accepted_and_logged_once_per_name) {
  // Metriport's schemas drop keys they do not define; so does the gateway, at every level of a ping
  // and a message.status, while it keeps every rule on the known fields.
  RelayFixture relay(rotating_keys());
  const auto signed_post = [&](const std::string& body) {
    return relay.post_webhook(body, RelayFixture::sign(new_key, body));
  };
  for (int i = 0; i < 3; ++i) {
    const std::string id = "7d1f0b0e-0000-4000-8000-00000000001" + std::to_string(i);
    std::string body = status_body(id, R"(,"hispReceipt":{"secret":"PHI-LIKE-VALUE"})");
    body.insert(body.find(R"("type")"), R"("attempt":2,)");
    body.insert(1, R"("schemaVersion":[1,2],)");
    const auto answer = signed_post(body);
    BOOST_TEST(answer.status == 200, answer.body);
  }
  const std::string ping =
      R"({"extra":true,"ping":"p1","meta":{"messageId":"7d1f0b0e-0000-4000-8000-000000000020","when":"2025-01-01T00:00:00.000Z","type":"ping","page":1}})";
  const auto pong = signed_post(ping);
  BOOST_TEST(pong.status == 200);
  BOOST_TEST(pong.body == R"({"pong":"p1"})");
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events") == 4);
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_rejections") == 0);
  // A ping still needs ping and a known field keeps its type, next to added fields.
  const auto no_ping = signed_post(
      R"({"extra":true,"meta":{"messageId":"x","when":"2025-01-01T00:00:00.000Z","type":"ping"}})");
  BOOST_TEST(no_ping.status == 400);
  BOOST_TEST(no_ping.body == R"({"message":"ping: is required"})");
  const auto bad_id = signed_post(
      R"({"meta":{"messageId":"y","when":"2026-06-16T18:40:00.000Z","type":"message.status","new":1},)"
      R"("payload":{"id":7,"other":1}})");
  BOOST_TEST(bad_id.status == 400);
  BOOST_TEST(bad_id.body == R"({"message":"payload.id: must be a string"})");
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_rejections") == 2);
  const auto log = relay.gateways->gateway->log_text();
  const auto occurrences = [&](const std::string& needle) {
    std::size_t found = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) {
      ++found;
    }
    return found;
  };
  for (const char* field :
       {"schemaVersion", "meta.attempt", "payload.hispReceipt", "extra", "meta.page"}) {
    BOOST_TEST(occurrences(std::string(R"("field":")") + field + "\"") == 1u, field);
  }
  BOOST_TEST(log.find("PHI-LIKE-VALUE") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(payloads_built_and_signed_with_metriports_packages_are_accepted) {
  // tests/contract/generate-webhooks.js builds events with @metriport/shared's schemas and signs
  // them as @metriport/api-sdk verifies; one byte changed, each is refused.
  RelayFixture relay(rotating_keys());
  const std::string contract_dir = std::string(RELAY_SOURCE_DIR) + "/tests/contract";
  const std::string fixture = relay.gateways->config_path.parent_path().string() + "/hooks.jsonl";
  const auto generated = run_process(
      "/usr/bin/env", {"node", contract_dir + "/generate-webhooks.js"},
      {{"WEBHOOK_KEY", new_key}, {"WEBHOOK_FIXTURE_FILE", fixture}, {"WEBHOOK_COUNT", "5"}});
  BOOST_REQUIRE_MESSAGE(
      generated.exit_code == 0,
      "generate-webhooks.js failed (run npm ci in tests/contract): " << generated.err);
  std::ifstream lines(fixture);
  std::string line;
  int accepted = 0;
  while (std::getline(lines, line)) {
    const auto entry = boost::json::parse(line).as_object();
    const std::string raw(entry.at("rawBody").as_string());
    const std::string signature(entry.at("signature").as_string());
    const auto answer = relay.post_webhook(raw, signature);
    BOOST_TEST(answer.status == 200, answer.body);
    accepted += answer.status == 200;
    std::string changed = raw;
    changed[changed.size() / 2] = changed[changed.size() / 2] == 'a' ? 'b' : 'a';
    BOOST_TEST(relay.post_webhook(changed, signature).status == 401);
  }
  BOOST_TEST(accepted >= 5);
}

BOOST_AUTO_TEST_SUITE_END()
