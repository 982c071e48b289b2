// The world of an operations integration test: a real gateway (GatewayFixture) and operator
// accounts made with the real CLI, with clients for the operations listener.
#pragma once

#include <string>

#include "tests/integration/gateway/api/gateway_fixture.hpp"

namespace relay::testing {

struct OperatorAccount {
  std::string name;
  std::string password;
  std::string role;
};

// What POST /ops/api/login answered.
struct OperatorLogin {
  std::string token;
  std::string csrf_token;
  std::string set_cookie;  // the Set-Cookie header
};

class OpsFixture : public GatewayFixture {
 public:
  explicit OpsFixture(std::string extra_config = R"("relay": {"enabled": false})",
                      EnvMap extra_env = {});

  // `relay-gateway operator add NAME --role ROLE`, password read from its output.
  OperatorAccount add_operator(const std::string& name, const std::string& role);
  OperatorLogin login(const OperatorAccount& account);
  // A client of the operations listener whose requests carry the operator's bearer token.
  HttpClient ops_client_for(const OperatorAccount& account);
  HttpClient ops_anonymous_client();
};

// The JSON body of a login request.
std::string login_body(const std::string& username, const std::string& password);

// The same for any gateway world (e.g. a RelayFixture's gateways, or a second process): an
// operator made with the CLI, and a login at / a bearer client of one process's ops listener.
OperatorAccount add_operator_to(GatewayFixture& gateways, const std::string& name,
                                const std::string& role);
OperatorLogin login_at(std::uint16_t ops_port, const OperatorAccount& account);
HttpClient ops_client_at(std::uint16_t ops_port, const OperatorAccount& account);
// The same at the world's own gateway.
OperatorLogin login_to(GatewayFixture& world, const OperatorAccount& account);
HttpClient ops_client_of(GatewayFixture& world, const OperatorAccount& account);

// Runs SQL against the test database directly (setting up states the relay would reach).
void execute_sql(GatewayFixture& gateways, const std::string& sql);

}  // namespace relay::testing
