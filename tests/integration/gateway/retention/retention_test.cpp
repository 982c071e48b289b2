// Retention with real processes: the portal's read of a purged message, `relay-gateway prune` and
// its dry run, serve's passes (one process at a time), and a relayed message purged then deleted.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "tests/integration/gateway/api/gateway_fixture.hpp"
#include "tests/integration/gateway/ops/scrape_text.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"
#include "tests/support/http_client.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* retention_off = R"("relay": {"enabled": false},
    "retention": {"enabled": false})";

// The test's own session holds the lock every pass needs (as another process's pass would).
constexpr long long retention_lock_key = 0x72656c6179726574LL;

// Marks the message relayed (every delivery completed, the message Sent) and moves every time of
// it, its deliveries, sends and webhook events `days` into the past.
void finish_and_age(pqxx::connection& connection, const std::string& external_id, int days,
                    bool complete = true) {
  pqxx::work tx(connection);
  const auto id =
      tx.exec_params1("SELECT id::text FROM messages WHERE external_id = $1", external_id)[0]
          .as<std::string>();
  if (complete) {
    tx.exec_params0(
        "UPDATE deliveries SET state = 'completed', completed_at = now() "
        "WHERE message_id = $1::uuid",
        id);
    tx.exec_params0(
        "UPDATE messages SET portal_status = 'Sent', sent_date = now() WHERE id = $1::uuid", id);
  }
  tx.exec_params0(
      "UPDATE messages SET updated_at = now() - make_interval(days => $2), "
      "sent_date = now() - make_interval(days => $2) WHERE id = $1::uuid",
      id, days);
  tx.exec_params0(
      "UPDATE deliveries SET updated_at = now() - make_interval(days => $2), "
      "completed_at = now() - make_interval(days => $2) WHERE message_id = $1::uuid",
      id, days);
  tx.exec_params0(
      "UPDATE webhook_events w SET received_at = now() - make_interval(days => $2), "
      "applied_at = now() - make_interval(days => $2) "
      "FROM delivery_sends s JOIN deliveries d ON d.id = s.delivery_id "
      "WHERE d.message_id = $1::uuid AND w.metriport_message_id = s.metriport_message_id",
      id, days);
  tx.commit();
}

std::string fingerprint(GatewayFixture& fixture) {
  pqxx::read_transaction tx(fixture.database.connection());
  std::string all;
  for (const char* table :
       {"messages", "message_patients", "attachments", "deliveries", "audit_events"}) {
    all += tx.exec1(std::string("SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY "
                                "t::text), '')) FROM ") +
                    table + " t")[0]
               .as<std::string>();
  }
  return all;
}

// Passes a serve process tried so far (pruned, or skipped as busy or recent).
int attempts(GatewayProcess& gateway) {
  const std::string text = gateway.log_text();
  int found = 0;
  for (const char* needle : {"\"event\":\"retention.pruned\"", "\"event\":\"retention.skipped\""}) {
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
      ++found;
    }
  }
  return found;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(retention)

BOOST_AUTO_TEST_CASE(a_purged_message_reads_back_without_its_content) {
  GatewayFixture fixture(GatewayFixture::default_routing_json(), retention_off);
  auto client = fixture.client_for(fixture.add_vendor("acme"));
  const std::string posted = GatewayFixture::sample("message.json");
  BOOST_REQUIRE(client.post("/api/OutgoingSecureMessages", posted).status == 200);
  finish_and_age(fixture.database.connection(), "MSG-0001", 40);

  const auto pruned = run_cli({"prune"}, {{"DATABASE_URL", fixture.database.url()}});
  BOOST_TEST_REQUIRE(pruned.exit_code == 0, pruned.err);
  BOOST_TEST(pruned.out.find("messages_purged 1\n") != std::string::npos, pruned.out);
  BOOST_TEST(pruned.out.find("attachments_purged 1\n") != std::string::npos, pruned.out);

  // JSON: 200, the content fields null, the ids, patients, file names and status kept.
  const auto read = client.get("/api/OutgoingSecureMessages?externalId=MSG-0001");
  BOOST_TEST_REQUIRE(read.status == 200, read.body);
  const auto model = parse_json(read.body).as_object();
  BOOST_TEST(model.at("subject").is_null());
  BOOST_TEST(model.at("body").is_null());
  BOOST_TEST(model.at("fromSecureRecipientName").is_null());
  BOOST_TEST(model.at("fromSecureRecipientExternalId").as_string() == "DR-100");
  BOOST_TEST(model.at("status").as_string() == "Sent");
  BOOST_TEST(!model.at("sentDate").is_null());
  BOOST_TEST(model.at("patients").as_array().size() == 2u);
  const auto& file = model.at("fileData").as_array().at(0).as_object();
  BOOST_TEST(file.at("fileName").as_string() == "referral.pdf");
  BOOST_TEST(file.at("fileData").is_null());
  BOOST_TEST(read.body.find("cardiology") == std::string::npos);
  BOOST_TEST(read.body.find("Ruiz") == std::string::npos);

  // XML: the same, as DataContract nils.
  const auto xml = client.get("/api/OutgoingSecureMessages?externalId=MSG-0001",
                              {{"Accept", "application/xml"}});
  BOOST_TEST_REQUIRE(xml.status == 200, xml.body);
  BOOST_TEST(xml.body.find("<Subject i:nil=\"true\"/>") != std::string::npos, xml.body);
  BOOST_TEST(xml.body.find("<Body i:nil=\"true\"/>") != std::string::npos, xml.body);
  BOOST_TEST(xml.body.find("<FileName>referral.pdf</FileName>") != std::string::npos, xml.body);
  BOOST_TEST(xml.body.find("cardiology") == std::string::npos);

  // The search lists it without content; a subject search no longer finds it.
  const auto rows = parse_json(client.get("/api/outgoingSecureMessages/search").body);
  BOOST_TEST(rows.at("totalItems").as_int64() == 1);
  BOOST_TEST(rows.at("rows").as_array().at(0).at("subject").is_null());
  const auto by_subject =
      parse_json(client.get("/api/outgoingSecureMessages/search?subject=cardiology").body);
  BOOST_TEST(by_subject.at("totalItems").as_int64() == 0);

  // A re-post of the very same message is still recognised (its hash stayed): nothing new.
  const auto again = client.post("/api/OutgoingSecureMessages", posted);
  BOOST_TEST(again.status == 200, again.body);
  BOOST_TEST(fixture.count("SELECT count(*) FROM messages") == 1);
  BOOST_TEST(fixture.count("SELECT count(*) FROM deliveries WHERE state = 'completed'") == 2);
}

BOOST_AUTO_TEST_CASE(prune_dry_run_prints_the_counts_and_changes_nothing) {
  GatewayFixture fixture(GatewayFixture::default_routing_json(), retention_off);
  auto client = fixture.client_for(fixture.add_vendor("acme"));
  for (const char* id : {"STALE-1", "STALE-2", "ANCIENT", "QUEUED"}) {
    auto message = parse_json(GatewayFixture::sample("message.json")).as_object();
    message["externalId"] = id;
    BOOST_REQUIRE(
        client.post("/api/OutgoingSecureMessages", boost::json::serialize(message)).status == 200);
  }
  finish_and_age(fixture.database.connection(), "STALE-1", 40);
  finish_and_age(fixture.database.connection(), "STALE-2", 40);
  finish_and_age(fixture.database.connection(), "ANCIENT", 400);
  finish_and_age(fixture.database.connection(), "QUEUED", 400, false);
  const EnvMap env{{"DATABASE_URL", fixture.database.url()}};
  const auto before = fingerprint(fixture);

  const auto dry = run_cli({"prune", "--dry-run"}, env);
  BOOST_TEST_REQUIRE(dry.exit_code == 0, dry.err);
  BOOST_TEST(dry.out.find("outcome dry_run\n") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("messages_purged 3\n") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("messages_deleted 1\n") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("deliveries_deleted 2\n") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("patients_deleted 2\n") != std::string::npos, dry.out);
  BOOST_TEST(dry.out.find("nothing was changed") != std::string::npos, dry.out);
  BOOST_TEST(fingerprint(fixture) == before);  // audit_events included: no event either

  const auto pruned = run_cli({"prune"}, env);
  BOOST_TEST_REQUIRE(pruned.exit_code == 0, pruned.err);
  BOOST_TEST(pruned.out.find("outcome pruned\n") != std::string::npos, pruned.out);
  // The same numbers, line for line, from "content_cutoff" on (the cutoffs move with the clock).
  const auto counts = [](const std::string& out) {
    return out.substr(out.find("messages_purged"),
                      out.find("transactions") - out.find("messages_purged"));
  };
  BOOST_TEST(counts(pruned.out) == counts(dry.out));
  BOOST_TEST(fixture.count("SELECT count(*) FROM messages") == 3);
  BOOST_TEST(fixture.count("SELECT count(*) FROM messages WHERE external_id = 'QUEUED' "
                           "AND content_purged_at IS NULL") == 1);
  BOOST_TEST(fixture.count("SELECT count(*) FROM audit_events WHERE event = 'retention.pruned' "
                           "AND actor = 'cli'") == 1);

  // A pass while another holds the lock: refused, nothing done.
  pqxx::connection other(fixture.database.url());
  pqxx::nontransaction lock(other);
  lock.exec_params("SELECT pg_advisory_lock($1)", retention_lock_key);
  const auto busy = run_cli({"prune"}, env);
  BOOST_TEST(busy.exit_code == 1);
  BOOST_TEST(busy.err.find("another process is pruning") != std::string::npos, busy.err);
}

BOOST_AUTO_TEST_CASE(serve_prunes_on_its_own_one_process_at_a_time) {
  GatewayFixture fixture(GatewayFixture::default_routing_json(), retention_off);
  auto client = fixture.client_for(fixture.add_vendor("acme"));
  BOOST_REQUIRE(
      client.post("/api/OutgoingSecureMessages", GatewayFixture::sample("message.json")).status ==
      200);
  finish_and_age(fixture.database.connection(), "MSG-0001", 40);

  // Two processes start while another session holds the lock: both skip their first pass.
  pqxx::connection other(fixture.database.url());
  auto lock = std::make_unique<pqxx::nontransaction>(other);
  lock->exec_params("SELECT pg_advisory_lock($1)", retention_lock_key);
  fixture.extra_env["GATEWAY_RETENTION_ENABLED"] = "true";
  fixture.extra_env["GATEWAY_RETENTION_INTERVAL_SECONDS"] = "10";
  auto first = fixture.start_gateway();
  auto second = fixture.start_gateway();
  for (auto* gateway : {first.get(), second.get()}) {
    BOOST_REQUIRE(gateway->wait_for_log("\"retention.skipped\"", 10s));
    BOOST_TEST(gateway->log_text().find("\"reason\":\"busy\"") != std::string::npos);
  }
  BOOST_TEST(fixture.count("SELECT count(*) FROM messages WHERE content_purged_at IS NULL") == 1);

  // Released: at their next turn one of them prunes; the other finds the pass just done.
  lock->exec_params("SELECT pg_advisory_unlock($1)", retention_lock_key);
  lock.reset();
  BOOST_REQUIRE(wait_until(
      [&] {
        return fixture.count("SELECT count(*) FROM messages WHERE content_purged_at IS NOT NULL") ==
               1;
      },
      20s));
  BOOST_REQUIRE(wait_until([&] { return attempts(*first) >= 2 && attempts(*second) >= 2; }, 20s));
  BOOST_TEST(fixture.count("SELECT count(*) FROM audit_events WHERE event = 'retention.pruned' "
                           "AND actor LIKE 'retention:%' AND detail->>'outcome' = 'pruned' "
                           "AND (detail->'counts'->>'messages_purged')::int = 1") == 1);
  BOOST_TEST(fixture.count("SELECT count(*) FROM audit_events WHERE event = 'retention.pruned'") ==
             1);
  // Their metrics agree: one message purged between them, and both skipped once as busy.
  double pruned = 0, purged = 0;
  for (auto* gateway : {first.get(), second.get()}) {
    HttpClient ops("127.0.0.1", gateway->ops_port());
    const auto scrape = ops.get("/metrics");
    BOOST_REQUIRE(scrape.status == 200);
    pruned += scrape_value(scrape.body, "relay_retention_passes_total", {{"result", "pruned"}})
                  .value_or(-100);
    purged += scrape_value(scrape.body, "relay_retention_purged_total", {{"kind", "messages"}})
                  .value_or(-100);
    BOOST_TEST(scrape_value(scrape.body, "relay_retention_passes_total", {{"result", "busy"}})
                   .value_or(0) >= 1);
  }
  BOOST_TEST(pruned >= 1);
  BOOST_TEST(purged == 1);
  // Both stop cleanly whether waiting or pruning.
  BOOST_TEST(first->stop() == 0);
  BOOST_TEST(second->stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_relayed_message_is_purged_then_deleted_and_its_audit_trail_kept) {
  RelaySetup setup = RelaySetup::with_simulator(R"({"webhook_delay_ms": 50})");
  setup.webhooks = true;
  RelayFixture relay(setup);
  TestMessage message("RET-1", {"RP-1", "RP-2"});
  message.subject = "Private retention subject";
  message.body = "Private retention body.";
  message.files = {{"scan.pdf", "%PDF-1.4 private scan"}};
  relay.post(message);
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 2, 30s));
  BOOST_REQUIRE(wait_until(
      [&] {
        return relay.count("SELECT count(*) FROM messages WHERE portal_status = 'Sent'") == 1;
      },
      10s));
  BOOST_REQUIRE(relay.count("SELECT count(*) FROM webhook_events WHERE applied_at IS NOT NULL") ==
                2);
  auto& connection = relay.gateways->database.connection();
  const EnvMap env{{"DATABASE_URL", relay.gateways->database.url()}};

  finish_and_age(connection, "RET-1", 40, false);
  const auto purged = run_cli({"prune"}, env);
  BOOST_TEST_REQUIRE(purged.exit_code == 0, purged.err);
  BOOST_TEST(purged.out.find("messages_purged 1\n") != std::string::npos, purged.out);
  BOOST_TEST(purged.out.find("webhook_payloads_purged 2\n") != std::string::npos, purged.out);
  const auto model = relay.portal_message("RET-1");
  BOOST_TEST(model.at("subject").is_null());
  BOOST_TEST(model.at("body").is_null());
  BOOST_TEST(model.at("fileData").as_array().at(0).at("fileData").is_null());
  BOOST_TEST(model.at("fileData").as_array().at(0).at("fileName").as_string() == "scan.pdf");
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE payload ? 'payload'") == 0);
  BOOST_TEST(relay.count("SELECT count(*) FROM webhook_events WHERE payload->'meta' ? 'type'") ==
             2);
  BOOST_TEST(relay.count("SELECT count(*) FROM delivery_sends "
                         "WHERE metriport_message_id IS NOT NULL") == 2);
  const auto audit_before = relay.count("SELECT count(*) FROM audit_events");

  finish_and_age(connection, "RET-1", 400, false);
  const auto deleted = run_cli({"prune"}, env);
  BOOST_TEST_REQUIRE(deleted.exit_code == 0, deleted.err);
  BOOST_TEST(deleted.out.find("messages_deleted 1\n") != std::string::npos, deleted.out);
  BOOST_TEST(deleted.out.find("sends_deleted 2\n") != std::string::npos, deleted.out);
  BOOST_TEST(deleted.out.find("documents_deleted 2\n") != std::string::npos, deleted.out);
  BOOST_TEST(deleted.out.find("webhook_events_deleted 2\n") != std::string::npos, deleted.out);
  BOOST_TEST(relay.client->get("/api/OutgoingSecureMessages?externalId=RET-1").status == 404);
  for (const char* table : {"messages", "message_patients", "attachments", "deliveries",
                            "delivery_sends", "delivery_documents", "webhook_events"}) {
    BOOST_TEST(relay.count(std::string("SELECT count(*) FROM ") + table) == 0, table);
  }
  // The audit trail of the message and its deliveries stays; the pass added its own event.
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events") == audit_before + 1);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE entity_type = 'delivery'") > 0);
}

BOOST_AUTO_TEST_SUITE_END()
