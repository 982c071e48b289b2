// A fresh database, a real `relay-gateway serve` process on a loopback port, and vendor accounts
// made with the real CLI: the world each API integration test runs in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_database.hpp"

namespace relay::testing {

struct VendorAccount {
  std::string name;
  std::string password;
};

class GatewayFixture {
 public:
  // routing_json: the "routing" section of the config; the default has a default route.
  // extra_config: more top-level members of the config file (the default turns the relay off);
  // extra_env: added to every gateway process's environment.
  // database_proxy_port: gateways reach the database through 127.0.0.1:<port> (a TcpProxy in
  // front of the test server) instead of directly; the CLI and count() always connect directly.
  explicit GatewayFixture(std::string routing_json = default_routing_json(),
                          std::string extra_config = R"("relay": {"enabled": false})",
                          EnvMap extra_env = {},
                          std::optional<std::uint16_t> database_proxy_port = std::nullopt);
  ~GatewayFixture();

  static std::string default_routing_json();
  static std::string sample(const std::string& file_name);  // ../shared/samples/<file_name>

  VendorAccount add_vendor(const std::string& name);
  std::string token_for(const VendorAccount& vendor);
  // A client whose every request carries the vendor's bearer token.
  HttpClient client_for(const VendorAccount& vendor);
  HttpClient anonymous_client();

  void restart();  // SIGTERM the gateway (asserting a clean exit) and start it again
  // Another gateway process on the same database and configuration (its own port).
  std::unique_ptr<GatewayProcess> start_gateway();
  std::int64_t count(const std::string& sql);  // SELECT count(*) ... against the test database
  std::string gateway_database_url() const;    // the DATABASE_URL gateways are started with

  TestDatabase database;
  std::string token_secret = "integration-test-token-secret-0123456789";
  std::unique_ptr<GatewayProcess> gateway;
  std::filesystem::path config_path;
  EnvMap extra_env;
  std::optional<std::uint16_t> database_proxy_port;

 private:
  void start();
};

boost::json::value parse_json(const std::string& text);
std::string post_form_body(const VendorAccount& vendor);

}  // namespace relay::testing
