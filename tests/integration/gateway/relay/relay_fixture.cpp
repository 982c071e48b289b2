// RelayFixture: starts the simulator first (its URL goes into the gateway's config), then the
// gateway with the relay on, fast retries and short polling so tests finish in seconds.
#include "tests/integration/gateway/relay/relay_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include "gateway/domain/base64.hpp"
#include "gateway/domain/digest.hpp"

namespace relay::testing {

namespace {

std::string relay_config(const RelaySetup& setup) {
  return R"("relay": {"enabled": true, "workers": )" + std::to_string(setup.workers) +
         R"(, "lease_seconds": )" + std::to_string(setup.lease_seconds) +
         R"(, "poll_interval_ms": 200, "max_attempts": )" + std::to_string(setup.max_attempts) +
         R"(, "backoff_base_ms": 20, "backoff_cap_ms": 400, "ambiguous_settle_seconds": 0,)"
         R"( "reconcile_interval_seconds": )" +
         std::to_string(setup.reconcile_interval_seconds) + R"(, "reconcile_after_seconds": )" +
         std::to_string(setup.reconcile_after_seconds) + R"(, "flag_after_seconds": )" +
         std::to_string(setup.flag_after_seconds) + R"(},
    "metriport": {"send_window_seconds": )" +
         std::to_string(setup.send_window_seconds) +
         R"(, "request_timeout_seconds": 3, "upload_timeout_seconds": 3,)"
         R"( "connect_timeout_seconds": 2})";
}

SimulatorOptions simulator_options(const RelaySetup& setup) {
  SimulatorOptions options;
  options.settings_json = setup.simulator_settings;
  return options;
}

}  // namespace

RelayFixture::RelayFixture(RelaySetup setup_)
    : setup(std::move(setup_)), simulator(simulator_options(setup)) {
  EnvMap env{{"METRIPORT_BASE_URL", simulator.base_url()},
             {"METRIPORT_API_KEY", simulator.options().api_key},
             {"METRIPORT_SENDS_PER_MINUTE", std::to_string(setup.sends_per_minute)},
             {"GATEWAY_INTAKE_MAX_ATTACHMENTS", "12"}};
  if (!setup.relay_starts_enabled) env["GATEWAY_RELAY_ENABLED"] = "false";
  if (setup.webhooks) env["METRIPORT_WEBHOOK_KEY"] = setup.webhook_keys;
  gateways = std::make_unique<GatewayFixture>(GatewayFixture::default_routing_json(),
                                              relay_config(setup), env, setup.database_proxy_port);
  vendor = gateways->add_vendor("relay-vendor");
  client = std::make_unique<HttpClient>(gateways->client_for(vendor));
  if (setup.webhooks) aim_webhooks_at_gateway();
}

void RelayFixture::aim_webhooks_at_gateway() {
  boost::json::object settings{
      {"webhook_url", gateways->gateway->base_url() + "/webhooks/metriport"},
      {"webhook_key", simulator.options().webhook_key}};
  simulator.set_settings(boost::json::serialize(settings));
}

std::string RelayFixture::sign(const std::string& key, const std::string& raw_body) {
  return domain::to_hex(domain::hmac_sha256_raw(key, raw_body));
}

HttpResult RelayFixture::post_webhook(const std::string& raw_body, const std::string& signature) {
  HttpClient metriport("127.0.0.1", gateways->gateway->port());
  std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
  if (!signature.empty()) headers["x-metriport-signature"] = signature;
  return metriport.post("/webhooks/metriport", raw_body, headers);
}

boost::json::object RelayFixture::portal_message(const std::string& external_id) {
  const auto answer = client->get("/api/OutgoingSecureMessages?externalId=" + external_id);
  BOOST_REQUIRE_MESSAGE(answer.status == 200, "GET failed: " << answer.status);
  return boost::json::parse(answer.body).as_object();
}

std::string RelayFixture::portal_json(const TestMessage& message) {
  boost::json::object model;
  model["externalId"] = message.external_id;
  model["fromSecureRecipientExternalId"] = "DR-100";
  model["fromSecureRecipientName"] = "Dr. Test";
  boost::json::array patients;
  for (const auto& patient : message.patients) {
    patients.push_back(boost::json::object{{"externalId", patient}, {"isRepresentative", false}});
  }
  model["patients"] = std::move(patients);
  model["subject"] = message.subject;
  if (!message.body.empty()) model["body"] = message.body;
  model["status"] = "Sent";
  model["priority"] = message.priority;
  boost::json::array files;
  for (const auto& [name, bytes] : message.files) {
    files.push_back(
        boost::json::object{{"fileName", name}, {"fileData", domain::base64_encode(bytes)}});
  }
  if (!files.empty()) model["fileData"] = std::move(files);
  return boost::json::serialize(model);
}

void RelayFixture::post(const TestMessage& message) {
  const auto answer = client->post("/api/OutgoingSecureMessages", portal_json(message));
  BOOST_REQUIRE_MESSAGE(answer.status == 200,
                        "post failed: " << answer.status << " " << answer.body.substr(0, 300));
}

bool RelayFixture::wait_for_deliveries(const std::string& where, std::int64_t expected,
                                       std::chrono::milliseconds timeout) {
  return SimulatorProcess::wait_until(
      [&] { return count("SELECT count(*) FROM deliveries WHERE " + where) >= expected; }, timeout);
}

std::string RelayFixture::text(const std::string& sql) {
  pqxx::connection connection(gateways->database.url());
  pqxx::read_transaction tx(connection);
  return tx.exec1(sql)[0].as<std::string>();
}

std::map<std::string, int> RelayFixture::accepted_by_patient_and_subject() {
  std::map<std::string, int> groups;
  const auto received = simulator.received();
  for (const auto& message : received.at("messages").as_array()) {
    const auto& object = message.as_object();
    const std::string key = std::string(object.at("patientId").as_string()) + "|" +
                            std::string(object.at("subject").as_string());
    ++groups[key];
  }
  return groups;
}

}  // namespace relay::testing
