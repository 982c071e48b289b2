// Unit tests for gateway/config: file and environment precedence, _FILE secrets, strict keys and
// values, routing, and the shipped example. Each test starts and ends with a clean environment.
#include "gateway/config/config.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <unistd.h>

extern char** environ;

namespace {
namespace fs = std::filesystem;
using relay::config::ConfigError;
using relay::config::load_config;

// Removes every variable the loader reads, on entry and on exit, and deletes the files it wrote.
class CleanEnvironment {
 public:
  CleanEnvironment() { clear(); }
  ~CleanEnvironment() {
    clear();
    for (const auto& path : files_) fs::remove(path);
  }
  CleanEnvironment(const CleanEnvironment&) = delete;
  CleanEnvironment& operator=(const CleanEnvironment&) = delete;

  void set(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }

  std::string write_file(const std::string& contents) {
    static std::atomic<int> counter{0};
    const fs::path path =
        fs::temp_directory_path() /
        ("relay_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::ofstream(path, std::ios::binary) << contents;
    files_.push_back(path.string());
    return path.string();
  }

 private:
  static void clear() {
    std::vector<std::string> names;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string text(*entry);
      const std::string name = text.substr(0, text.find('='));
      if (name.rfind("GATEWAY_", 0) == 0 || name.rfind("METRIPORT_", 0) == 0 ||
          name.rfind("DATABASE_URL", 0) == 0) {
        names.push_back(name);
      }
    }
    for (const auto& name : names) ::unsetenv(name.c_str());
  }

  std::vector<std::string> files_;
};

// Runs load_config and checks that it throws a ConfigError whose message contains every fragment.
void expect_error(const std::optional<std::string>& path, std::vector<std::string> fragments) {
  try {
    (void)load_config(path);
    BOOST_ERROR("no ConfigError; expected one mentioning " << fragments.front());
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    for (const auto& fragment : fragments) {
      BOOST_TEST(message.find(fragment) != std::string::npos,
                 "\"" << message << "\" lacks \"" << fragment << "\"");
    }
  }
}

const std::string example_path = std::string(RELAY_SOURCE_DIR) + "/config/gateway.example.json";
}  // namespace

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(defaults_without_file) {
  CleanEnvironment env;
  const auto config = load_config(std::nullopt);
  BOOST_TEST(config.http.listen_host == "127.0.0.1");
  BOOST_TEST(config.http.listen_port == 8080);
  BOOST_TEST(config.http.threads == 2);
  BOOST_TEST(config.metriport.sends_per_minute == 20);
  BOOST_TEST(config.webhook_path == "/webhooks/metriport");
  BOOST_TEST(config.tokens.secret.empty());  // missing secret is not a load error
  BOOST_TEST(!config.routing.default_route.has_value());
  BOOST_TEST(!config.routing.route_for("anyone").has_value());
}

BOOST_AUTO_TEST_CASE(example_file_loads) {
  CleanEnvironment env;
  const auto config = load_config(example_path);
  BOOST_TEST(config.database.url == "postgresql://relay@127.0.0.1:5432/relay");
  BOOST_TEST(config.http.listen_port == 8080);
  BOOST_TEST(config.http.body_limit_bytes == 33554432u);
  BOOST_TEST(config.http.shutdown_grace.count() == 10);
  BOOST_TEST(config.database.pool_size == 4);
  BOOST_TEST(config.tokens.lifetime.count() == 3600);
  BOOST_TEST(config.intake.max_total_attachment_bytes == 26214400u);
  BOOST_TEST(config.metriport.base_url == "https://api.sandbox.metriport.com/medical/v1");
  BOOST_TEST(config.metriport.webhook_keys.empty());
  BOOST_REQUIRE(config.routing.default_route.has_value());
  BOOST_TEST(config.routing.default_route->destination == "intake@example.direct.org");
  BOOST_TEST(config.routing.by_sender.size() == 1u);
  BOOST_TEST(config.relay.enabled);
  BOOST_TEST(config.relay.workers == 8);
  BOOST_TEST(config.relay.lease.count() == 300);
  BOOST_TEST(config.relay.ambiguous_settle.count() == 60);
  BOOST_TEST(config.relay.reconcile_after.count() == 900);
  BOOST_TEST(config.relay.flag_after.count() == 86400);
  BOOST_TEST(config.webhooks.max_body_bytes == 65536u);
  BOOST_TEST(config.webhooks.body_budget_bytes == 4194304u);
  BOOST_TEST(config.webhooks.body_budget_bytes_per_client == 1048576u);
  BOOST_TEST(config.http.first_byte_timeout.count() == 5);
  BOOST_TEST(config.http.max_body_bytes_per_client == 67108864u);
  BOOST_TEST(config.http.body_rate_grace.count() == 5);
  BOOST_TEST(config.metriport.request_timeout.count() == 30);
  BOOST_TEST(config.metriport.send_window.count() == 60);
  BOOST_TEST(config.auth.hash_threads == 1);
  BOOST_TEST(config.auth.hash_queue_limit == 8u);
  BOOST_TEST(config.auth.failed_logins_per_minute == 60u);
  BOOST_TEST(config.auth.max_tracked_unknown_names == 10000u);
}

// The configurations deploy/ ships (container image, Kubernetes base and overlay) load, listen on
// every interface, and keep the shutdown timing the Kubernetes manifests rely on.
BOOST_AUTO_TEST_CASE(deployment_files_load) {
  CleanEnvironment env;
  const auto image = load_config(std::string(RELAY_SOURCE_DIR) + "/deploy/container/gateway.json");
  BOOST_TEST(image.http.listen_host == "0.0.0.0");
  BOOST_TEST(image.http.listen_port == 8080);
  BOOST_TEST(image.ops.listen_host == "0.0.0.0");
  BOOST_TEST(image.ops.listen_port == 8090);
  for (const char* file :
       {"/deploy/k8s/base/gateway.json", "/deploy/k8s/overlays/production/gateway.json"}) {
    const auto config = load_config(std::string(RELAY_SOURCE_DIR) + file);
    BOOST_TEST(config.http.listen_host == "0.0.0.0", file);
    BOOST_TEST(config.ops.listen_port == 8090, file);
    BOOST_TEST(config.http.drain_delay.count() == 10, file);
    BOOST_TEST(config.http.shutdown_grace.count() >= config.metriport.upload_timeout.count() + 5,
               file);
    BOOST_TEST(config.http.max_body_bytes_per_client == config.http.max_inflight_body_bytes, file);
    BOOST_TEST(config.routing.default_route.has_value(), file);
    BOOST_TEST(config.database.url.empty(), file);  // DATABASE_URL_FILE from a mounted secret
  }
}

BOOST_AUTO_TEST_CASE(relay_and_metriport_sections) {
  CleanEnvironment env;
  const auto config = load_config(env.write_file(R"({
    "metriport": {"send_window_seconds": 2, "connect_timeout_seconds": 3,
                  "request_timeout_seconds": 4, "upload_timeout_seconds": 5,
                  "max_connections_per_host": 6, "ca_file": "/etc/ssl/extra.pem"},
    "relay": {"enabled": false, "workers": 3, "lease_seconds": 30, "poll_interval_ms": 250,
              "ambiguous_settle_seconds": 2,
              "max_attempts": 4, "backoff_base_ms": 10, "backoff_cap_ms": 100,
              "patient_cache_ttl_seconds": 0}})"));
  BOOST_TEST(config.metriport.send_window.count() == 2);
  BOOST_TEST(config.metriport.connect_timeout.count() == 3);
  BOOST_TEST(config.metriport.request_timeout.count() == 4);
  BOOST_TEST(config.metriport.upload_timeout.count() == 5);
  BOOST_TEST(config.metriport.max_connections_per_host == 6u);
  BOOST_TEST(config.metriport.ca_file == "/etc/ssl/extra.pem");
  BOOST_TEST(!config.relay.enabled);
  BOOST_TEST(config.relay.workers == 3);
  BOOST_TEST(config.relay.lease.count() == 30);
  BOOST_TEST(config.relay.ambiguous_settle.count() == 2);
  BOOST_TEST(config.relay.poll_interval.count() == 250);
  BOOST_TEST(config.relay.max_attempts == 4);
  BOOST_TEST(config.relay.backoff_base.count() == 10);
  BOOST_TEST(config.relay.backoff_cap.count() == 100);
  BOOST_TEST(config.relay.patient_cache_ttl.count() == 0);

  env.set("GATEWAY_RELAY_ENABLED", "true");
  env.set("GATEWAY_RELAY_WORKERS", "12");
  const auto overridden = load_config(std::nullopt);
  BOOST_TEST(overridden.relay.enabled);
  BOOST_TEST(overridden.relay.workers == 12);
}

BOOST_AUTO_TEST_CASE(file_values_and_routes) {
  CleanEnvironment env;
  const auto path = env.write_file(R"({
    "GATEWAY_LISTEN": "[::1]:9090",
    "METRIPORT_WEBHOOK_KEY": " old , new ,",
    "METRIPORT_BASE_URL": "http://127.0.0.1:7000/medical/v1/",
    "http": {"threads": 8, "read_timeout_seconds": 5},
    "intake": {"high_priority_subject_prefix": "[URGENT] "},
    "routing": {"routes": {"DR-100": {"destination": "2.16.840.1.113883.3.9621",
                                       "intended_recipient_npi": ["1234567893", "0000000000"]}}}
  })");
  const auto config = load_config(path);
  BOOST_TEST(config.http.listen_host == "::1");
  BOOST_TEST(config.http.listen_port == 9090);
  BOOST_TEST(config.http.threads == 8);
  BOOST_TEST(config.http.read_timeout.count() == 5);
  BOOST_TEST(config.http.write_timeout.count() == 30);  // untouched default
  BOOST_TEST(config.intake.high_priority_subject_prefix == "[URGENT] ");
  BOOST_TEST(config.metriport.base_url == "http://127.0.0.1:7000/medical/v1");
  BOOST_TEST((config.metriport.webhook_keys == std::vector<std::string>{"old", "new"}));

  const auto route = config.routing.route_for("DR-100");
  BOOST_REQUIRE(route.has_value());
  BOOST_TEST(route->destination == "2.16.840.1.113883.3.9621");
  BOOST_TEST(route->intended_recipient_npi.size() == 2u);
  BOOST_TEST(!config.routing.route_for("dr-100").has_value());  // exact match, no default
  BOOST_TEST(!config.routing.route_for("DR-101").has_value());
}

BOOST_AUTO_TEST_CASE(default_route_catches_other_senders) {
  CleanEnvironment env;
  const auto path = env.write_file(R"({"routing": {
    "default": {"destination": "intake@example.direct.org"},
    "routes": {"DR-1": {"destination": "dr1@example.direct.org", "intended_recipient_npi": []}}}})");
  const auto config = load_config(path);
  BOOST_TEST(config.routing.route_for("DR-1")->destination == "dr1@example.direct.org");
  BOOST_TEST(config.routing.route_for("DR-2")->destination == "intake@example.direct.org");
  BOOST_TEST(config.routing.route_for("")->destination == "intake@example.direct.org");
  BOOST_TEST(config.routing.route_for("DR-2")->intended_recipient_npi.empty());
}

BOOST_AUTO_TEST_CASE(vendor_routes_come_before_the_global_table) {
  CleanEnvironment env;
  const auto path = env.write_file(R"({"routing": {
    "default": {"destination": "global@example.direct.org"},
    "routes": {"DR-100": {"destination": "global-dr100@example.direct.org"}},
    "vendors": {
      "acme": {"routes": {"DR-100": {"destination": "acme-dr100@example.direct.org"}}},
      "other": {"default": {"destination": "other@example.direct.org"}}}}})");
  const auto config = load_config(path);
  const auto& routing = config.routing;
  BOOST_TEST(routing.route_for("acme", "DR-100")->destination == "acme-dr100@example.direct.org");
  BOOST_TEST(routing.route_for("acme", "DR-7")->destination == "global@example.direct.org");
  BOOST_TEST(routing.route_for("other", "DR-100")->destination == "other@example.direct.org");
  BOOST_TEST(routing.route_for("nobody", "DR-100")->destination ==
             "global-dr100@example.direct.org");
  BOOST_TEST(routing.route_for("DR-100")->destination == "global-dr100@example.direct.org");
  expect_error(env.write_file(R"({"routing": {"vendors": {"acme": {"route": {}}}}})"),
               {"routing.vendors.acme.route"});
  expect_error(
      env.write_file(
          R"({"routing": {"vendors": {"acme": {"default": {"intended_recipient_npi": []}}}}})"),
      {"routing.vendors.acme.default.destination"});
}

BOOST_AUTO_TEST_CASE(auth_section_defaults_file_and_environment) {
  CleanEnvironment env;
  const auto defaults = load_config(std::nullopt);
  BOOST_TEST(defaults.auth.hash_threads == 1);
  BOOST_TEST(defaults.auth.hash_queue_limit == 8u);
  BOOST_TEST(defaults.auth.hash_queue_reserved_for_vendors == 4u);
  BOOST_TEST(defaults.auth.failed_logins_per_minute == 60u);
  BOOST_TEST(defaults.auth.failed_login_burst == 20u);
  BOOST_TEST(defaults.auth.max_failures_per_name == 10u);
  BOOST_TEST(defaults.auth.failure_window.count() == 300);
  BOOST_TEST(defaults.auth.max_tracked_unknown_names == 10000u);
  BOOST_TEST(defaults.auth.vendor_names_refresh.count() == 1000);

  const auto path = env.write_file(R"({"auth": {
    "hash_threads": 2, "hash_queue_limit": 16, "hash_queue_reserved_for_vendors": 16,
    "failed_logins_per_minute": 30, "failed_login_burst": 5, "max_failures_per_name": 3,
    "failure_window_seconds": 60, "max_tracked_unknown_names": 100,
    "vendor_names_refresh_ms": 250}})");
  const auto config = load_config(path);
  BOOST_TEST(config.auth.hash_threads == 2);
  BOOST_TEST(config.auth.hash_queue_limit == 16u);
  BOOST_TEST(config.auth.hash_queue_reserved_for_vendors == 16u);  // unknown names get none
  BOOST_TEST(config.auth.failed_logins_per_minute == 30u);
  BOOST_TEST(config.auth.failed_login_burst == 5u);
  BOOST_TEST(config.auth.max_failures_per_name == 3u);
  BOOST_TEST(config.auth.failure_window.count() == 60);
  BOOST_TEST(config.auth.max_tracked_unknown_names == 100u);
  BOOST_TEST(config.auth.vendor_names_refresh.count() == 250);

  env.set("GATEWAY_AUTH_HASH_THREADS", "3");
  env.set("GATEWAY_AUTH_FAILED_LOGINS_PER_MINUTE", "600");
  const auto overridden = load_config(path);
  BOOST_TEST(overridden.auth.hash_threads == 3);
  BOOST_TEST(overridden.auth.failed_logins_per_minute == 600u);
  env.set("GATEWAY_AUTH_HASH_THREAD", "3");
  expect_error(path, {"GATEWAY_AUTH_HASH_THREAD", "unknown setting"});
}

BOOST_AUTO_TEST_CASE(auth_limits_are_checked) {
  CleanEnvironment env;
  expect_error(env.write_file(R"({"auth": {"hash_queue_limit": 4,
                                           "hash_queue_reserved_for_vendors": 5}})"),
               {"auth.hash_queue_reserved_for_vendors", "auth.hash_queue_limit"});
  expect_error(env.write_file(R"({"auth": {"hash_threads": 0}})"), {"auth.hash_threads", "1..64"});
  expect_error(env.write_file(R"({"auth": {"failed_logins_per_minute": 0}})"),
               {"auth.failed_logins_per_minute"});
  expect_error(env.write_file(R"({"auth": {"max_tracked_unknown_names": 0}})"),
               {"auth.max_tracked_unknown_names"});
  expect_error(env.write_file(R"({"auth": {"vendor_names_refresh_ms": 5}})"),
               {"auth.vendor_names_refresh_ms", "10..600000"});
  expect_error(env.write_file(R"({"auth": {"hash_queue": 4}})"),
               {"auth.hash_queue", "unknown key"});
}

BOOST_AUTO_TEST_CASE(body_budget_must_hold_one_whole_body) {
  CleanEnvironment env;
  expect_error(
      env.write_file(R"({"http": {"body_limit_bytes": 1000, "max_inflight_body_bytes": 999}})"),
      {"http.max_inflight_body_bytes"});
  const auto config = load_config(
      env.write_file(R"({"http": {"body_limit_bytes": 1000, "max_inflight_body_bytes": 1000}})"));
  BOOST_TEST(config.http.max_inflight_body_bytes == 1000u);
}

BOOST_AUTO_TEST_CASE(per_client_and_webhook_shares_must_hold_one_whole_body) {
  CleanEnvironment env;
  expect_error(
      env.write_file(R"({"http": {"body_limit_bytes": 1000, "max_body_bytes_per_client": 999}})"),
      {"http.max_body_bytes_per_client"});
  expect_error(
      env.write_file(
          R"({"webhooks": {"max_body_bytes": 4096, "body_budget_bytes_per_client": 4095}})"),
      {"webhooks.body_budget_bytes_per_client"});
  expect_error(env.write_file(R"({"webhooks": {"max_body_bytes": 4096, "body_budget_bytes": 4095,
                                  "body_budget_bytes_per_client": 4096}})"),
               {"webhooks.body_budget_bytes"});
  env.set("GATEWAY_HTTP_FIRST_BYTE_TIMEOUT_SECONDS", "2");
  env.set("GATEWAY_HTTP_BODY_RATE_GRACE_SECONDS", "0");
  env.set("GATEWAY_WEBHOOKS_BODY_BUDGET_BYTES", "2097152");
  const auto config = load_config(std::nullopt);
  BOOST_TEST(config.http.first_byte_timeout.count() == 2);
  BOOST_TEST(config.http.body_rate_grace.count() == 0);
  BOOST_TEST(config.webhooks.body_budget_bytes == 2097152u);
}

BOOST_AUTO_TEST_CASE(operations_listener_and_retention) {
  CleanEnvironment env;
  const auto defaults = load_config(std::nullopt);
  BOOST_TEST(defaults.ops.listen_host == "127.0.0.1");
  BOOST_TEST(defaults.ops.listen_port == 8090);
  BOOST_TEST(defaults.ops.session_lifetime.count() == 1800);
  BOOST_TEST(defaults.retention.content_days == 30);
  BOOST_TEST(defaults.retention.records_days == 365);
  BOOST_TEST(defaults.http.drain_delay.count() == 0);

  env.set("GATEWAY_OPS_LISTEN", "0.0.0.0:9191");
  env.set("GATEWAY_OPS_BULK_ACTION_CAP", "50");
  env.set("GATEWAY_RETENTION_CONTENT_DAYS", "7");
  env.set("GATEWAY_HTTP_DRAIN_DELAY_SECONDS", "4");
  const auto config = load_config(std::nullopt);
  BOOST_TEST(config.ops.listen_host == "0.0.0.0");
  BOOST_TEST(config.ops.listen_port == 9191);
  BOOST_TEST(config.ops.bulk_action_cap == 50u);
  BOOST_TEST(config.retention.content_days == 7);
  BOOST_TEST(config.http.drain_delay.count() == 4);

  env.set("GATEWAY_OPS_LISTEN", "8090");
  expect_error(std::nullopt, {"GATEWAY_OPS_LISTEN"});
  env.set("GATEWAY_OPS_LISTEN", "127.0.0.1:8080");
  expect_error(std::nullopt, {"GATEWAY_OPS_LISTEN", "must differ"});
  env.set("GATEWAY_OPS_LISTEN", "127.0.0.1:9191");
  env.set("GATEWAY_RETENTION_RECORDS_DAYS", "6");
  expect_error(std::nullopt, {"retention.records_days"});
  env.set("GATEWAY_RETENTION_RECORDS_DAYS", "30");
  env.set("GATEWAY_OPS_TYPO", "1");
  expect_error(std::nullopt, {"GATEWAY_OPS_TYPO"});
}

BOOST_AUTO_TEST_CASE(null_default_route_means_none) {
  CleanEnvironment env;
  const auto path = env.write_file(R"({"routing": {"default": null, "routes": {}}})");
  BOOST_TEST(!load_config(path).routing.route_for("x").has_value());
}

BOOST_AUTO_TEST_CASE(environment_overrides_file) {
  CleanEnvironment env;
  const auto path = env.write_file(R"({
    "DATABASE_URL": "postgresql://file/db", "GATEWAY_LISTEN": "127.0.0.1:8080",
    "METRIPORT_SENDS_PER_MINUTE": 20, "webhook_path": "/from-file",
    "http": {"threads": 2}, "intake": {"max_attachments": 20}, "database": {"pool_size": 4}})");
  env.set("DATABASE_URL", "postgresql://env/db");
  env.set("GATEWAY_LISTEN", "0.0.0.0:0");
  env.set("METRIPORT_SENDS_PER_MINUTE", "120");
  env.set("METRIPORT_API_KEY", "api-key-from-env");
  env.set("GATEWAY_WEBHOOK_PATH", "/hooks/m");
  env.set("GATEWAY_HTTP_THREADS", "4");
  env.set("GATEWAY_INTAKE_MAX_ATTACHMENTS", "5");
  env.set("GATEWAY_DATABASE_POOL_SIZE", "16");
  env.set("GATEWAY_TOKENS_LIFETIME_SECONDS", "2");
  env.set("GATEWAY_INTAKE_HIGH_PRIORITY_SUBJECT_PREFIX", "!! ");
  const auto config = load_config(path);
  BOOST_TEST(config.database.url == "postgresql://env/db");
  BOOST_TEST(config.http.listen_host == "0.0.0.0");
  BOOST_TEST(config.http.listen_port == 0);
  BOOST_TEST(config.metriport.sends_per_minute == 120);
  BOOST_TEST(config.metriport.api_key == "api-key-from-env");
  BOOST_TEST(config.webhook_path == "/hooks/m");
  BOOST_TEST(config.http.threads == 4);
  BOOST_TEST(config.intake.max_attachments == 5u);
  BOOST_TEST(config.database.pool_size == 16);
  BOOST_TEST(config.tokens.lifetime.count() == 2);
  BOOST_TEST(config.intake.high_priority_subject_prefix == "!! ");
}

BOOST_AUTO_TEST_CASE(environment_without_file) {
  CleanEnvironment env;
  env.set("GATEWAY_TOKEN_SECRET", std::string(32, 's'));
  env.set("METRIPORT_WEBHOOK_KEY", "k1,k2");
  const auto config = load_config(std::nullopt);
  BOOST_TEST(config.tokens.secret == std::string(32, 's'));
  BOOST_TEST(config.metriport.webhook_keys.size() == 2u);
}

BOOST_AUTO_TEST_CASE(secrets_from_files) {
  CleanEnvironment env;
  const std::string secret(48, 'z');
  env.set("GATEWAY_TOKEN_SECRET_FILE", env.write_file(secret + "\n"));
  env.set("METRIPORT_API_KEY_FILE", env.write_file("key-from-file\r\n"));
  env.set("METRIPORT_WEBHOOK_KEY_FILE", env.write_file("a,b"));
  env.set("DATABASE_URL_FILE", env.write_file("postgresql://secret@db/relay\n"));
  const auto path = env.write_file(R"({"METRIPORT_API_KEY": "from-config-file"})");
  const auto config = load_config(path);
  BOOST_TEST(config.tokens.secret == secret);
  BOOST_TEST(config.metriport.api_key == "key-from-file");
  BOOST_TEST((config.metriport.webhook_keys == std::vector<std::string>{"a", "b"}));
  BOOST_TEST(config.database.url == "postgresql://secret@db/relay");
}

BOOST_AUTO_TEST_CASE(secret_file_errors) {
  CleanEnvironment env;
  env.set("METRIPORT_API_KEY_FILE", "/nonexistent/relay/secret");
  expect_error(std::nullopt, {"METRIPORT_API_KEY_FILE", "cannot open"});
  env.set("METRIPORT_API_KEY_FILE", env.write_file("k"));
  env.set("METRIPORT_API_KEY", "k");
  expect_error(std::nullopt, {"METRIPORT_API_KEY", "both set"});
}

BOOST_AUTO_TEST_CASE(short_token_secret_rejected) {
  CleanEnvironment env;
  env.set("GATEWAY_TOKEN_SECRET", std::string(31, 's'));
  expect_error(std::nullopt, {"GATEWAY_TOKEN_SECRET", "32 bytes"});
}

BOOST_AUTO_TEST_CASE(unknown_keys_rejected) {
  CleanEnvironment env;
  expect_error(env.write_file(R"({"DATABASE_UR": "x"})"), {"DATABASE_UR", "unknown key"});
  expect_error(env.write_file(R"({"http": {"thread": 2}})"), {"http.thread", "unknown key"});
  expect_error(env.write_file(R"({"intake": {"max_patient": 2}})"), {"intake.max_patient"});
  expect_error(env.write_file(R"({"routing": {"defaults": {}}})"), {"routing.defaults"});
  expect_error(env.write_file(R"({"routing": {"routes": {"A": {"destination": "d", "npi": []}}}})"),
               {"routing.routes.A.npi", "unknown key"});
  expect_error(env.write_file(R"({"listen": "127.0.0.1:1"})"), {"listen"});
}

BOOST_AUTO_TEST_CASE(unknown_section_environment_rejected) {
  CleanEnvironment env;
  env.set("GATEWAY_HTTP_THRADS", "4");
  expect_error(std::nullopt, {"GATEWAY_HTTP_THRADS", "unknown"});
}

BOOST_AUTO_TEST_CASE(routing_environment_rejected) {
  CleanEnvironment env;
  env.set("GATEWAY_ROUTING_DEFAULT", "x");
  expect_error(std::nullopt, {"GATEWAY_ROUTING_DEFAULT", "file"});
}

BOOST_AUTO_TEST_CASE(bad_file_values_rejected) {
  CleanEnvironment env;
  const std::pair<std::string, std::string> cases[] = {
      {R"({"http": {"threads": 0}})", "http.threads"},
      {R"({"http": {"threads": 257}})", "http.threads"},
      {R"({"http": {"threads": "2"}})", "http.threads"},
      {R"({"http": {"threads": 2.0}})", "http.threads"},
      {R"({"http": {"threads": -1}})", "http.threads"},
      {R"({"http": {"threads": 18446744073709551615}})", "http.threads"},
      {R"({"http": {"body_limit_bytes": 0}})", "http.body_limit_bytes"},
      {R"({"http": {"read_timeout_seconds": 0}})", "http.read_timeout_seconds"},
      {R"({"http": 5})", "http"},
      {R"({"database": {"pool_size": 65}})", "database.pool_size"},
      {R"({"tokens": {"lifetime_seconds": 0}})", "tokens.lifetime_seconds"},
      {R"({"intake": {"max_attachments": 0}})", "intake.max_attachments"},
      {R"({"intake": {"max_id_chars": 501}})", "intake.max_id_chars"},
      {R"({"intake": {"max_id_chars": 4096}})", "1..500"},
      {R"({"intake": {"max_file_name_chars": 501}})", "intake.max_file_name_chars"},
      {R"({"METRIPORT_SENDS_PER_MINUTE": 0})", "METRIPORT_SENDS_PER_MINUTE"},
      {R"({"METRIPORT_SENDS_PER_MINUTE": 100001})", "METRIPORT_SENDS_PER_MINUTE"},
      {R"({"METRIPORT_BASE_URL": "ftp://x"})", "METRIPORT_BASE_URL"},
      {R"({"DATABASE_URL": 5})", "DATABASE_URL"},
      {R"({"webhook_path": "hooks"})", "webhook_path"},
      {R"({"routing": {"routes": {"A": {}}}})", "routing.routes.A.destination"},
      {R"({"routing": {"routes": {"A": {"destination": ""}}}})", "routing.routes.A.destination"},
      {R"({"routing": {"default": {"destination": ")" + std::string(256, 'd') + R"("}}})",
       "routing.default.destination"},
      {R"({"routing": {"default": {"destination": "d", "intended_recipient_npi": ["123456789"]}}})",
       "routing.default.intended_recipient_npi"},
      {R"({"routing": {"default": {"destination": "d", "intended_recipient_npi": ["12345678a0"]}}})",
       "routing.default.intended_recipient_npi"},
      {R"({"routing": {"default": {"destination": "d", "intended_recipient_npi": [1234567893]}}})",
       "routing.default.intended_recipient_npi"},
      {R"({"routing": {"default": {"destination": "d", "intended_recipient_npi": [)" +
           std::string("\"1234567893\",") + "\"1234567893\",\"1234567893\",\"1234567893\"," +
           "\"1234567893\",\"1234567893\",\"1234567893\",\"1234567893\",\"1234567893\"," +
           "\"1234567893\",\"1234567893\"]}}}",
       "at most 10"},
      {R"({"routing": []})", "routing"},
      {R"({"relay": {"enabled": 1}})", "relay.enabled"},
      {R"({"relay": {"workers": 0}})", "relay.workers"},
      {R"({"relay": {"lease_seconds": 4}})", "relay.lease_seconds"},
      {R"({"relay": {"lease_seconds": 100}})", "relay.lease_seconds"},
      {R"({"relay": {"ambiguous_settle_seconds": -1}})", "relay.ambiguous_settle_seconds"},
      {R"({"relay": {"reconcile_after_seconds": 100, "flag_after_seconds": 50}})",
       "relay.flag_after_seconds"},
      {R"({"webhooks": {"max_body_bytes": 10}})", "webhooks.max_body_bytes"},
      {R"({"webhooks": {"path": "/x"}})", "webhooks.path"},
      {R"({"relay": {"backoff_base_ms": 500, "backoff_cap_ms": 100}})", "relay.backoff_base_ms"},
      {R"({"relay": {"retries": 3}})", "relay.retries"},
      {R"({"metriport": {"request_timeout_seconds": 0}})", "metriport.request_timeout_seconds"},
      {R"({"metriport": {"api_key": "x"}})", "metriport.api_key"},
      {R"([1, 2])", "configuration file"},
  };
  for (const auto& [json, key] : cases) {
    BOOST_TEST_CONTEXT(json) {
      expect_error(env.write_file(json), {key});
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_environment_values_rejected) {
  const std::pair<std::string, std::string> cases[] = {
      {"GATEWAY_HTTP_THREADS", "0"},       {"GATEWAY_HTTP_THREADS", "four"},
      {"GATEWAY_HTTP_THREADS", "+4"},      {"GATEWAY_HTTP_THREADS", " 4"},
      {"GATEWAY_HTTP_THREADS", ""},        {"GATEWAY_HTTP_THREADS", "99999999999999999999999"},
      {"GATEWAY_DATABASE_POOL_SIZE", "0"}, {"GATEWAY_INTAKE_MAX_ATTACHMENTS", "-5"},
      {"METRIPORT_SENDS_PER_MINUTE", "0"}, {"GATEWAY_HTTP_MAX_CONNECTIONS", "0"},
      {"GATEWAY_LISTEN", "8080"},          {"GATEWAY_LISTEN", "127.0.0.1:65536"},
      {"GATEWAY_LISTEN", "127.0.0.1:"},    {"GATEWAY_LISTEN", ":8080"},
      {"GATEWAY_LISTEN", "::1:8080"},      {"GATEWAY_LISTEN", "[]:8080"},
      {"GATEWAY_LISTEN", "127.0.0.1:80a"}, {"GATEWAY_LISTEN", "127.0.0.1:-1"},
      {"GATEWAY_WEBHOOK_PATH", "/a?b=1"},  {"GATEWAY_RELAY_ENABLED", "yes"},
      {"GATEWAY_RELAY_WORKERS", "0"},      {"GATEWAY_METRIPORT_UPLOAD_TIMEOUT_SECONDS", "0"},
  };
  for (const auto& [name, value] : cases) {
    CleanEnvironment env;
    env.set(name, value);
    BOOST_TEST_CONTEXT(name << "=" << value) {
      expect_error(std::nullopt, {name, "must"});
    }
  }
}

// IDs are capped at 500 characters: 4 UTF-8 bytes each still fit a PostgreSQL btree index entry.
BOOST_AUTO_TEST_CASE(id_and_file_name_limits_are_capped_at_500) {
  CleanEnvironment env;
  const auto config = load_config(
      env.write_file(R"({"intake": {"max_id_chars": 500, "max_file_name_chars": 500}})"));
  BOOST_TEST(config.intake.max_id_chars == 500u);
  BOOST_TEST(config.intake.max_file_name_chars == 500u);
  env.set("GATEWAY_INTAKE_MAX_ID_CHARS", "1");
  BOOST_TEST(load_config(std::nullopt).intake.max_id_chars == 1u);
  for (const char* name : {"GATEWAY_INTAKE_MAX_ID_CHARS", "GATEWAY_INTAKE_MAX_FILE_NAME_CHARS"}) {
    CleanEnvironment over;
    over.set(name, "501");
    expect_error(std::nullopt, {name, "1..500"});
  }
}

BOOST_AUTO_TEST_CASE(listen_forms) {
  const std::tuple<std::string, std::string, int> cases[] = {
      {"127.0.0.1:8080", "127.0.0.1", 8080},   {"[::1]:8080", "::1", 8080},     {"[::]:0", "::", 0},
      {"localhost:65535", "localhost", 65535}, {"0.0.0.0:443", "0.0.0.0", 443},
  };
  for (const auto& [text, host, port] : cases) {
    CleanEnvironment env;
    env.set("GATEWAY_LISTEN", text);
    const auto config = load_config(std::nullopt);
    BOOST_TEST(config.http.listen_host == host);
    BOOST_TEST(config.http.listen_port == port);
  }
}

BOOST_AUTO_TEST_CASE(invalid_json_and_missing_file) {
  CleanEnvironment env;
  expect_error(env.write_file("{\"http\": {"), {"invalid JSON"});
  expect_error(std::string("/nonexistent/relay/gateway.json"), {"cannot open"});
}

BOOST_AUTO_TEST_CASE(error_messages_do_not_echo_values) {
  CleanEnvironment env;
  env.set("GATEWAY_LISTEN", "secret-looking-value");
  try {
    (void)load_config(std::nullopt);
    BOOST_ERROR("expected ConfigError");
  } catch (const ConfigError& error) {
    BOOST_TEST(std::string(error.what()).find("secret-looking-value") == std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
