// Builds the test gateway's configuration (small limits so limit tests stay cheap), starts the real
// binary against a throwaway database, and creates vendors through `relay-gateway vendor add`.
#include "tests/integration/gateway/api/gateway_fixture.hpp"

#include <fstream>
#include <sstream>

#include <boost/test/unit_test.hpp>

namespace relay::testing {

namespace {
std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "relay-api-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}
}  // namespace

std::string GatewayFixture::default_routing_json() {
  return R"({"default": {"destination": "intake@default.direct.example.org",
                         "intended_recipient_npi": ["1234567893"]},
             "routes": {"DR-100": {"destination": "2.16.840.1.113883.3.9621",
                                   "intended_recipient_npi": []}}})";
}

std::string GatewayFixture::sample(const std::string& file_name) {
  std::ifstream in(std::string(RELAY_SAMPLES_DIR) + "/" + file_name, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "sample not found: " << file_name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

GatewayFixture::GatewayFixture(std::string routing_json, std::string extra_config, EnvMap env,
                               std::optional<std::uint16_t> proxy_port)
    : extra_env(std::move(env)), database_proxy_port(proxy_port) {
  config_path = make_temp_dir() / "gateway.json";
  std::ofstream config(config_path);
  config << R"({
    "http": {"threads": 2, "body_limit_bytes": 2097152, "header_limit_bytes": 8192,
             "read_timeout_seconds": 5, "shutdown_grace_seconds": 5},
    "database": {"pool_size": 4},
    "tokens": {"lifetime_seconds": 600},
    "intake": {"max_patients": 50, "max_attachments": 6, "max_attachment_bytes": 1048576,
               "max_total_attachment_bytes": 1500000, "high_priority_subject_prefix": "[URGENT] "},
    "routing": )"
         << routing_json << (extra_config.empty() ? "" : ",\n    ") << extra_config << "}\n";
  config.close();
  start();
}

GatewayFixture::~GatewayFixture() {
  gateway.reset();
  std::error_code ignored;
  std::filesystem::remove_all(config_path.parent_path(), ignored);
}

void GatewayFixture::start() {
  gateway = start_gateway();
}

std::unique_ptr<GatewayProcess> GatewayFixture::start_gateway() {
  EnvMap env = extra_env;
  env["DATABASE_URL"] = gateway_database_url();
  env["GATEWAY_TOKEN_SECRET"] = token_secret;
  return std::make_unique<GatewayProcess>(config_path.string(), env);
}

std::string GatewayFixture::gateway_database_url() const {
  if (!database_proxy_port) return database.url();
  return via_address(database.url(), "127.0.0.1", *database_proxy_port);
}

void GatewayFixture::restart() {
  BOOST_TEST(gateway->stop() == 0);
  gateway.reset();
  start();
}

VendorAccount GatewayFixture::add_vendor(const std::string& name) {
  const auto result = run_cli({"vendor", "add", name}, {{"DATABASE_URL", database.url()}});
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "vendor add failed: " << result.err);
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string prefix = "password: ";
    if (line.rfind(prefix, 0) == 0) return {name, line.substr(prefix.size())};
  }
  BOOST_FAIL("vendor add printed no password line");
  return {};
}

std::string post_form_body(const VendorAccount& vendor) {
  return "grant_type=password&username=" + vendor.name + "&password=" + vendor.password;
}

std::string GatewayFixture::token_for(const VendorAccount& vendor) {
  auto client = anonymous_client();
  const auto answer = client.post("/token", post_form_body(vendor),
                                  {{"Content-Type", "application/x-www-form-urlencoded"}});
  BOOST_REQUIRE_MESSAGE(answer.status == 200, "token request failed: " << answer.body);
  return std::string(parse_json(answer.body).at("access_token").as_string());
}

HttpClient GatewayFixture::client_for(const VendorAccount& vendor) {
  auto client = anonymous_client();
  client.set_default_header("Authorization", "Bearer " + token_for(vendor));
  return client;
}

HttpClient GatewayFixture::anonymous_client() {
  return HttpClient("127.0.0.1", gateway->port());
}

std::int64_t GatewayFixture::count(const std::string& sql) {
  pqxx::connection connection(database.url());
  pqxx::read_transaction tx(connection);
  return tx.exec1(sql)[0].as<std::int64_t>();
}

boost::json::value parse_json(const std::string& text) {
  boost::system::error_code error;
  auto value = boost::json::parse(text, error);
  BOOST_REQUIRE_MESSAGE(!error, "answer is not JSON: " << text.substr(0, 200));
  return value;
}

}  // namespace relay::testing
