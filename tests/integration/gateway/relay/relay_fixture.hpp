// The world of a relay integration test: the Metriport simulator, a database, real gateway
// processes relaying to the simulator, one vendor, and helpers to post messages and await states.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/integration/gateway/api/gateway_fixture.hpp"
#include "tests/support/simulator_process.hpp"

namespace relay::testing {

struct RelaySetup {
  // The simulator's settings (JSON) with everything else at its default.
  static RelaySetup with_simulator(std::string settings, int max_attempts = 8) {
    RelaySetup setup;
    setup.simulator_settings = std::move(settings);
    setup.max_attempts = max_attempts;
    return setup;
  }

  std::string simulator_settings = "{}";
  int sends_per_minute = 100000;  // tests raise the pacer's limit unless they test it
  int send_window_seconds = 60;
  int workers = 8;
  int lease_seconds = 30;
  int max_attempts = 8;
  bool relay_starts_enabled = true;  // false: gateways start with GATEWAY_RELAY_ENABLED=false
  // Webhooks: the simulator posts message.status to the gateway (signed with the simulator's
  // key); the gateway accepts webhook_keys (METRIPORT_WEBHOOK_KEY, comma-separated).
  bool webhooks = false;
  std::string webhook_keys = "sim-webhook-key-for-tests";
  int reconcile_after_seconds = 600;  // tests of the reconciler lower these
  int flag_after_seconds = 3600;
  int reconcile_interval_seconds = 60;
  // Gateways reach the database through this loopback port (a TcpProxy), when set.
  std::optional<std::uint16_t> database_proxy_port = std::nullopt;
};

struct TestMessage {
  TestMessage() = default;
  TestMessage(std::string id, std::vector<std::string> patient_ids)
      : external_id(std::move(id)), patients(std::move(patient_ids)) {}

  std::string external_id;
  std::vector<std::string> patients;
  std::string subject = "Relay test";
  std::string body = "Hello from the relay test.";
  std::vector<std::pair<std::string, std::string>> files;  // file name, raw bytes
  std::string priority = "Normal";
};

class RelayFixture {
 public:
  explicit RelayFixture(RelaySetup setup = {});

  // POSTs the message as the vendor; requires a 200.
  void post(const TestMessage& message);
  // The portal JSON of a message (files base64-encoded).
  static std::string portal_json(const TestMessage& message);

  // Waits until `SELECT count(*) FROM deliveries WHERE <where>` reaches expected.
  bool wait_for_deliveries(const std::string& where, std::int64_t expected,
                           std::chrono::milliseconds timeout);
  std::int64_t count(const std::string& sql) { return gateways->count(sql); }
  // The first column of the first row of a query, as text.
  std::string text(const std::string& sql);

  // Points the simulator's webhooks at the (current) first gateway.
  void aim_webhooks_at_gateway();
  // The raw body's signature as Metriport makes it: lower-case hex HMAC-SHA256.
  static std::string sign(const std::string& key, const std::string& raw_body);
  // POSTs a webhook to the first gateway as Metriport would (signature header unless empty).
  HttpResult post_webhook(const std::string& raw_body, const std::string& signature);
  // The portal's answer for a message of this vendor (GET ?externalId=).
  boost::json::object portal_message(const std::string& external_id);

  // Metriport messages the simulator accepted, grouped: (patientId + "|" + subject) -> count.
  std::map<std::string, int> accepted_by_patient_and_subject();

  RelaySetup setup;
  SimulatorProcess simulator;
  std::unique_ptr<GatewayFixture> gateways;
  VendorAccount vendor;
  std::unique_ptr<HttpClient> client;
};

}  // namespace relay::testing
