// Operator accounts through the real CLI and logins through the real operations listener, so every
// ops test runs against what an operator would use.
#include "tests/integration/gateway/ops/ops_fixture.hpp"

#include <sstream>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

namespace relay::testing {

OpsFixture::OpsFixture(std::string extra_config, EnvMap extra_env)
    : GatewayFixture(default_routing_json(), std::move(extra_config), std::move(extra_env)) {}

std::string login_body(const std::string& username, const std::string& password) {
  return boost::json::serialize(
      boost::json::object{{"username", username}, {"password", password}});
}

OperatorAccount add_operator_to(GatewayFixture& gateways, const std::string& name,
                                const std::string& role) {
  const auto result = run_cli({"operator", "add", name, "--role", role},
                              {{"DATABASE_URL", gateways.database.url()}});
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, "operator add failed: " << result.err);
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string prefix = "password: ";
    if (line.rfind(prefix, 0) == 0) return {name, line.substr(prefix.size()), role};
  }
  BOOST_FAIL("operator add printed no password line");
  return {};
}

OperatorLogin login_at(std::uint16_t ops_port, const OperatorAccount& account) {
  HttpClient client("127.0.0.1", ops_port);
  const auto answer = client.post("/ops/api/login", login_body(account.name, account.password));
  BOOST_REQUIRE_MESSAGE(answer.status == 200, "operator login failed: " << answer.body);
  const auto body = parse_json(answer.body);
  return {std::string(body.at("token").as_string()), std::string(body.at("csrf_token").as_string()),
          answer.header("Set-Cookie")};
}

HttpClient ops_client_at(std::uint16_t ops_port, const OperatorAccount& account) {
  HttpClient client("127.0.0.1", ops_port);
  client.set_default_header("Authorization", "Bearer " + login_at(ops_port, account).token);
  return client;
}

OperatorLogin login_to(GatewayFixture& world, const OperatorAccount& account) {
  return login_at(world.gateway->ops_port(), account);
}

HttpClient ops_client_of(GatewayFixture& world, const OperatorAccount& account) {
  return ops_client_at(world.gateway->ops_port(), account);
}

void execute_sql(GatewayFixture& gateways, const std::string& sql) {
  pqxx::connection connection(gateways.database.url());
  pqxx::work tx(connection);
  tx.exec(sql);
  tx.commit();
}

OperatorAccount OpsFixture::add_operator(const std::string& name, const std::string& role) {
  return add_operator_to(*this, name, role);
}

OperatorLogin OpsFixture::login(const OperatorAccount& account) {
  return login_at(gateway->ops_port(), account);
}

HttpClient OpsFixture::ops_client_for(const OperatorAccount& account) {
  return ops_client_at(gateway->ops_port(), account);
}

HttpClient OpsFixture::ops_anonymous_client() {
  return HttpClient("127.0.0.1", gateway->ops_port());
}

}  // namespace relay::testing
