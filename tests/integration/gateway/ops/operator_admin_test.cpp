// Integration tests of the admin's operator management API: add (password answered once and
// usable), list without secrets, disable/enable/reset-password ending sessions, refusals by role
// and by field, an admin's own account protected, every change audited with the admin as actor.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/ops/ops_fixture.hpp"

using namespace relay::testing;

BOOST_FIXTURE_TEST_SUITE(ops_operator_admin, OpsFixture)

BOOST_AUTO_TEST_CASE(an_admin_adds_lists_disables_enables_and_resets_operators) {
  const auto admin = add_operator("root-admin", "admin");
  auto client = ops_client_for(admin);

  const auto added = client.post("/ops/api/operators", R"({"name":"nina","role":"operator"})");
  BOOST_REQUIRE_MESSAGE(added.status == 201, added.body);
  BOOST_TEST(added.header("Cache-Control") == "no-store");
  const auto body = parse_json(added.body);
  BOOST_TEST(body.at("role").as_string() == "operator");
  const OperatorAccount nina{"nina", std::string(body.at("password").as_string()), "operator"};
  BOOST_TEST(nina.password.size() == 32u);
  auto nina_client = ops_client_for(nina);  // the answered password logs in
  BOOST_TEST(nina_client.get("/ops/api/session").status == 200);

  const auto listed = client.get("/ops/api/operators");
  BOOST_REQUIRE(listed.status == 200);
  BOOST_TEST(listed.body.find("\"name\":\"nina\"") != std::string::npos, listed.body);
  BOOST_TEST(listed.body.find("\"state\":\"active\"") != std::string::npos);
  BOOST_TEST(listed.body.find("pbkdf2") == std::string::npos);  // never a hash
  BOOST_TEST(listed.body.find("password") == std::string::npos);

  // Disabling ends nina's session at once; enabling lets her log in again.
  const auto disabled = client.post("/ops/api/operators/nina/disable", "");
  BOOST_REQUIRE_MESSAGE(disabled.status == 200, disabled.body);
  BOOST_TEST(parse_json(disabled.body).at("state").as_string() == "disabled");
  BOOST_TEST(nina_client.get("/ops/api/session").status == 401);
  BOOST_TEST(
      ops_anonymous_client().post("/ops/api/login", login_body(nina.name, nina.password)).status ==
      401);
  BOOST_TEST(client.post("/ops/api/operators/nina/enable", "").status == 200);
  auto nina_again = ops_client_for(nina);

  // A reset answers the new password once; the old one and the live session stop working.
  const auto reset = client.post("/ops/api/operators/nina/reset-password", "");
  BOOST_REQUIRE(reset.status == 200);
  const std::string new_password(parse_json(reset.body).at("password").as_string());
  BOOST_TEST(new_password != nina.password);
  BOOST_TEST(nina_again.get("/ops/api/session").status == 401);
  BOOST_TEST(
      ops_anonymous_client().post("/ops/api/login", login_body(nina.name, nina.password)).status ==
      401);
  BOOST_TEST(
      ops_anonymous_client().post("/ops/api/login", login_body(nina.name, new_password)).status ==
      200);

  // Every change is audited with the admin as actor, and no audit detail holds a password.
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE actor = 'operator:root-admin' AND "
                   "event IN ('operator.created', 'operator.disabled', 'operator.enabled', "
                   "'operator.password_reset')") == 4);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE detail::text LIKE '%" + new_password +
                   "%'") == 0);
}

BOOST_AUTO_TEST_CASE(only_admins_manage_operators) {
  add_operator("boss", "admin");
  for (const char* role : {"viewer", "operator"}) {
    const auto account = add_operator(std::string("not-admin-") + role, role);
    auto client = ops_client_for(account);
    BOOST_TEST(client.get("/ops/api/operators").status == 403);
    BOOST_TEST(client.post("/ops/api/operators", R"({"name":"eve","role":"admin"})").status == 403);
    BOOST_TEST(client.post("/ops/api/operators/boss/disable", "").status == 403);
    BOOST_TEST(client.post("/ops/api/operators/boss/reset-password", "").status == 403);
  }
  BOOST_TEST(ops_anonymous_client().get("/ops/api/operators").status == 401);
  BOOST_TEST(count("SELECT count(*) FROM operators WHERE name = 'eve'") == 0);
  BOOST_TEST(count("SELECT count(*) FROM operators WHERE name = 'boss' AND NOT disabled") == 1);
}

BOOST_AUTO_TEST_CASE(bad_requests_name_the_field_and_change_nothing) {
  const auto admin = add_operator("chief", "admin");
  add_operator("taken", "viewer");
  auto client = ops_client_for(admin);
  const auto field_of = [](const HttpResult& answer) {
    return std::string(parse_json(answer.body).at("field").as_string());
  };
  const auto before = count("SELECT count(*) FROM operators");

  const auto bad_role = client.post("/ops/api/operators", R"({"name":"ok","role":"root"})");
  BOOST_TEST(bad_role.status == 400);
  BOOST_TEST(field_of(bad_role) == "role");
  const auto bad_name = client.post("/ops/api/operators", R"({"name":"-x y","role":"viewer"})");
  BOOST_TEST(bad_name.status == 400);
  BOOST_TEST(field_of(bad_name) == "name");
  BOOST_TEST(bad_name.body.find("-x y") == std::string::npos);  // never echoed
  const auto extra =
      client.post("/ops/api/operators", R"({"name":"ok","role":"viewer","password":"mine"})");
  BOOST_TEST(extra.status == 400);
  BOOST_TEST(field_of(extra) == "password");
  BOOST_TEST(
      client.post("/ops/api/operators", "name=ok", {{"Content-Type", "text/plain"}}).status == 415);
  const auto taken = client.post("/ops/api/operators", R"({"name":"taken","role":"admin"})");
  BOOST_TEST(taken.status == 409);
  BOOST_TEST(field_of(taken) == "name");
  const auto unknown = client.post("/ops/api/operators/nobody/disable", "");
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(field_of(unknown) == "name");
  // An admin cannot lock themselves out (another admin or the CLI can).
  const auto self = client.post("/ops/api/operators/chief/disable", "");
  BOOST_TEST(self.status == 409);
  BOOST_TEST(client.post("/ops/api/operators/chief/reset-password", "").status == 409);
  BOOST_TEST(client.get("/ops/api/session").status == 200);

  BOOST_TEST(count("SELECT count(*) FROM operators") == before);
  BOOST_TEST(count("SELECT count(*) FROM operators WHERE name = 'taken' AND role = 'viewer'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
