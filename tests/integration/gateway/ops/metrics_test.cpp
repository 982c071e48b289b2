// Integration tests of GET /metrics on the operations listener: a real scrape of a gateway that
// relayed messages through the simulator passes `promtool check metrics`, its counters and gauges
// move with what happened, it carries no PHI or ids, and the database gauges are cached.
#include <boost/test/unit_test.hpp>

#include <pqxx/pqxx>

#include "tests/integration/gateway/ops/ops_fixture.hpp"
#include "tests/integration/gateway/ops/scrape_text.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

std::string scrape(std::uint16_t ops_port) {
  HttpClient client("127.0.0.1", ops_port);
  const auto answer = client.get("/metrics");
  BOOST_REQUIRE_MESSAGE(answer.status == 200, "GET /metrics: " << answer.status << answer.body);
  BOOST_TEST(answer.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  return answer.body;
}

double value(const std::string& text, const std::string& name, const SampleLabels& labels = {}) {
  const auto found = scrape_value(text, name, labels);
  std::string described = name;
  for (const auto& [key, label] : labels) described += " " + key + "=" + label;
  BOOST_TEST_INFO("metric " << described);
  BOOST_REQUIRE(found.has_value());
  return *found;
}

std::vector<std::string> column(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::read_transaction tx(connection);
  std::vector<std::string> values;
  for (const auto& row : tx.exec(sql)) values.push_back(row[0].as<std::string>());
  return values;
}

RelaySetup with_webhooks() {
  RelaySetup setup = RelaySetup::with_simulator(R"({"webhook_delay_ms": 20})");
  setup.webhooks = true;
  return setup;
}

std::string draft_of(const TestMessage& message) {
  std::string json = RelayFixture::portal_json(message);
  const std::string sent = R"("status":"Sent")";
  json.replace(json.find(sent), sent.size(), R"("status":"Draft")");
  return json;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_metrics)

BOOST_AUTO_TEST_CASE(scrape_after_relaying_passes_promtool_and_counts_what_happened) {
  RelayFixture relay(with_webhooks());
  TestMessage first{"MET-1", {"MP-1", "MP-2"}};
  first.subject = "Metrics subject that is PHI";
  first.body = "Metrics body text that is PHI";
  relay.post(first);
  relay.post({"MET-2", {"MP-3", "MP-4"}});
  relay.post({"MET-3", {"MP-5", "MP-6"}});
  relay.post(first);  // an identical re-post
  BOOST_TEST(
      relay.client->post("/api/OutgoingSecureMessages", draft_of({"MET-4", {"MP-7"}})).status ==
      200);
  BOOST_TEST(
      relay.client->post("/api/OutgoingSecureMessages", R"({"externalId":"MET-5"})").status == 400);
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 6, 30s));
  BOOST_REQUIRE(SimulatorProcess::wait_until(
      [&] {
        return relay.count("SELECT count(*) FROM messages WHERE portal_status = 'Sent'") == 3;
      },
      10s));

  const auto ops_port = relay.gateways->gateway->ops_port();
  scrape(ops_port);
  const auto text = scrape(ops_port);  // the second also shows the first's request

  const auto verdict = promtool_check_metrics(text);
  BOOST_TEST(verdict.exit_code == 0, verdict.output);
  BOOST_TEST(verdict.output.empty(), verdict.output);

  // Intake, by outcome.
  BOOST_TEST(value(text, "relay_intake_requests_total", {{"outcome", "stored"}}) == 3);
  BOOST_TEST(value(text, "relay_intake_requests_total", {{"outcome", "duplicate"}}) == 1);
  BOOST_TEST(value(text, "relay_intake_requests_total", {{"outcome", "draft"}}) == 1);
  BOOST_TEST(value(text, "relay_intake_requests_total", {{"outcome", "invalid"}}) == 1);
  BOOST_TEST(value(text, "relay_intake_requests_total", {{"outcome", "conflict"}}) == 0);
  // HTTP by listener, route, method and status class.
  BOOST_TEST(value(text, "relay_http_request_duration_seconds_count",
                   {{"listener", "vendor"},
                    {"route", "messages"},
                    {"method", "POST"},
                    {"status_class", "2xx"}}) == 5);
  BOOST_TEST(value(text, "relay_http_request_duration_seconds_count",
                   {{"listener", "vendor"}, {"route", "messages"}, {"status_class", "4xx"}}) == 1);
  BOOST_TEST(value(text, "relay_http_request_duration_seconds_count",
                   {{"listener", "vendor"}, {"route", "webhook"}, {"status_class", "2xx"}}) >= 6);
  BOOST_TEST(value(text, "relay_http_request_duration_seconds_count",
                   {{"listener", "ops"}, {"route", "/metrics"}, {"status_class", "2xx"}}) == 1);
  // Metriport calls, webhooks and the lifecycle.
  BOOST_TEST(value(text, "relay_metriport_requests_total",
                   {{"operation", "message_send"}, {"status_class", "2xx"}}) == 6);
  BOOST_TEST(value(text, "relay_metriport_requests_total",
                   {{"operation", "patient_lookup"}, {"status_class", "2xx"}}) == 6);
  BOOST_TEST(value(text, "relay_metriport_request_duration_seconds_count",
                   {{"operation", "message_send"}}) == 6);
  BOOST_TEST(value(text, "relay_metriport_rate_limited_total") == 0);
  BOOST_TEST(value(text, "relay_webhooks_received_total",
                   {{"type", "message.status"}, {"outcome", "stored"}}) == 6);
  BOOST_TEST(value(text, "relay_webhook_events_applied_total", {{"outcome", "applied"}}) == 6);
  BOOST_TEST(value(text, "relay_message_intake_to_sent_seconds_count") == 3);
  BOOST_TEST(value(text, "relay_message_intake_to_sent_seconds_sum") > 0);
  BOOST_TEST(value(text, "relay_pacer_wait_seconds_count") >= 6);
  // The database gauges.
  BOOST_TEST(value(text, "relay_database_up") == 1);
  BOOST_TEST(value(text, "relay_deliveries", {{"state", "completed"}}) == 6);
  BOOST_TEST(value(text, "relay_deliveries", {{"state", "draft"}}) == 1);
  BOOST_TEST(value(text, "relay_deliveries", {{"state", "queued"}}) == 0);
  BOOST_TEST(value(text, "relay_deliveries", {{"state", "dead"}}) == 0);
  BOOST_TEST(value(text, "relay_deliveries_oldest_waiting_age_seconds") == 0);
  BOOST_TEST(value(text, "relay_pacer_limit") > 0);
  // Both pools, the build and the process.
  for (const char* pool : {"api", "relay"}) {
    BOOST_TEST(value(text, "relay_db_pool_acquire_seconds_count", {{"pool", pool}}) > 0, pool);
    const double in_use = value(text, "relay_db_pool_connections_in_use", {{"pool", pool}});
    BOOST_TEST(in_use >= 0, pool);
    BOOST_TEST(in_use <= value(text, "relay_db_pool_max_connections", {{"pool", pool}}), pool);
  }
  BOOST_TEST(value(text, "relay_build_info") == 1);
  BOOST_TEST(value(text, "relay_http_open_connections", {{"listener", "ops"}}) >= 1);
  BOOST_TEST(value(text, "process_cpu_seconds_total") > 0);
  BOOST_TEST(value(text, "process_resident_memory_bytes") > 0);
  BOOST_TEST(value(text, "process_open_fds") > 0);

  // No PHI and no ids: subjects, bodies, sender names, external ids, message and Metriport ids.
  std::vector<std::string> secrets{first.subject, first.body, "Dr. Test", "relay-vendor",
                                   "MET-1",       "MP-1",     "DR-100"};
  const auto url = relay.gateways->database.url();
  for (const auto& id : column(url, "SELECT id::text FROM messages")) secrets.push_back(id);
  for (const auto& id : column(url, "SELECT metriport_message_id FROM delivery_sends")) {
    secrets.push_back(id);
  }
  for (const auto& id : column(url,
                               "SELECT metriport_patient_id FROM deliveries "
                               "WHERE metriport_patient_id IS NOT NULL")) {
    secrets.push_back(id);
  }
  for (const auto& secret : secrets) {
    BOOST_TEST(text.find(secret) == std::string::npos, "the scrape holds " << secret);
  }
}

BOOST_FIXTURE_TEST_CASE(database_gauges_are_cached_between_reads, OpsFixture) {
  const auto before = scrape(gateway->ops_port());
  BOOST_TEST(value(before, "relay_deliveries", {{"state", "queued"}}) == 0);
  const auto vendor = add_vendor("metrics-vendor");
  auto client = client_for(vendor);
  BOOST_REQUIRE(client.post("/api/OutgoingSecureMessages", sample("message.json")).status == 200);
  const auto queued = count("SELECT count(*) FROM deliveries WHERE state = 'queued'");
  BOOST_REQUIRE(queued > 0);

  // The per-process counter moves at once; the database gauges show the read of the first scrape
  // until it is a few seconds old, then the new state.
  const auto cached = scrape(gateway->ops_port());
  BOOST_TEST(value(cached, "relay_intake_requests_total", {{"outcome", "stored"}}) == 1);
  BOOST_TEST(value(cached, "relay_deliveries", {{"state", "queued"}}) == 0);
  std::string fresh;
  BOOST_TEST(SimulatorProcess::wait_until(
      [&] {
        fresh = scrape(gateway->ops_port());
        return value(fresh, "relay_deliveries", {{"state", "queued"}}) == queued;
      },
      15s));
  BOOST_TEST(value(fresh, "relay_deliveries_oldest_waiting_age_seconds") > 0);
}

BOOST_FIXTURE_TEST_CASE(logins_signatures_and_refusals_are_counted_and_metrics_stay_on_ops,
                        OpsFixture) {
  const auto vendor = add_vendor("login-vendor");
  auto vendor_side = anonymous_client();
  const auto form = [](const std::string& user, const std::string& password) {
    return "grant_type=password&username=" + user + "&password=" + password;
  };
  const std::map<std::string, std::string> form_type{
      {"Content-Type", "application/x-www-form-urlencoded"}};
  BOOST_TEST(vendor_side.post("/token", form(vendor.name, "wrong"), form_type).status == 400);
  BOOST_TEST(vendor_side.post("/token", form(vendor.name, vendor.password), form_type).status ==
             200);
  const auto admin = add_operator("metrics-admin", "admin");
  login(admin);
  BOOST_TEST(
      ops_anonymous_client().post("/ops/api/login", login_body(admin.name, "wrong")).status == 401);
  // Webhooks: no signature (refused by the precheck) and a wrong one (no key configured).
  BOOST_TEST(vendor_side.post("/webhooks/metriport", "{}").status == 401);
  BOOST_TEST(
      vendor_side.post("/webhooks/metriport", "{}", {{"x-metriport-signature", "00"}}).status ==
      401);
  BOOST_TEST(vendor_side.get("/no/such/route/4711").status == 404);
  const auto oversized = vendor_side.send_raw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
  BOOST_TEST(oversized.find(" 431 ") != std::string::npos, oversized.substr(0, 200));

  // /metrics is the operations listener's alone, and needs no login there.
  BOOST_TEST(anonymous_client().get("/metrics").status == 404);
  const auto text = scrape(gateway->ops_port());
  BOOST_TEST(value(text, "relay_logins_total", {{"listener", "vendor"}, {"outcome", "issued"}}) ==
             1);
  BOOST_TEST(value(text, "relay_logins_total",
                   {{"listener", "vendor"}, {"outcome", "invalid_grant"}}) == 1);
  BOOST_TEST(value(text, "relay_logins_total", {{"listener", "ops"}, {"outcome", "issued"}}) == 1);
  BOOST_TEST(
      value(text, "relay_logins_total", {{"listener", "ops"}, {"outcome", "invalid_grant"}}) == 1);
  BOOST_TEST(value(text, "relay_webhook_signature_failures_total", {{"reason", "missing"}}) == 1);
  BOOST_TEST(value(text, "relay_webhook_signature_failures_total", {{"reason", "mismatch"}}) == 1);
  BOOST_TEST(value(text, "relay_http_refusals_total",
                   {{"listener", "vendor"}, {"reason", "header_too_large"}}) == 1);
  BOOST_TEST(value(text, "relay_http_request_duration_seconds_count",
                   {{"listener", "vendor"}, {"route", "unknown"}, {"status_class", "4xx"}}) == 2);
  BOOST_TEST(text.find("4711") == std::string::npos);
  BOOST_TEST(text.find("login-vendor") == std::string::npos);
  BOOST_TEST(text.find("metrics-admin") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
