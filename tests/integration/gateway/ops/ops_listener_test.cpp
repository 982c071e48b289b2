// Integration tests of the operations listener: its own port and routes, probes, operator
// accounts and sessions (bearer and cookie + CSRF), roles, and credentials kept apart from
// vendors'.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <thread>

#include "tests/integration/gateway/ops/ops_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(ops_listener, OpsFixture)

BOOST_AUTO_TEST_CASE(each_listener_serves_only_its_own_routes) {
  auto ops = ops_anonymous_client();
  auto vendor_side = anonymous_client();
  for (const char* probe : {"/livez", "/healthz", "/readyz"}) {
    BOOST_TEST(ops.get(probe).status == 200, probe);
    BOOST_TEST(vendor_side.get(probe).status == 200, probe);
  }
  BOOST_TEST(vendor_side.post("/ops/api/login", login_body("a", "b")).status == 404);
  BOOST_TEST(vendor_side.get("/ops/api/session").status == 404);
  BOOST_TEST(ops.get("/api/OutgoingSecureMessages?externalId=X").status == 404);
  BOOST_TEST(ops.post("/token", "grant_type=password&username=a&password=b",
                      {{"Content-Type", "application/x-www-form-urlencoded"}})
                 .status == 404);
  const auto wrong_method = ops.request("DELETE", "/ops/api/login");
  BOOST_TEST(wrong_method.status == 405);
  BOOST_TEST(wrong_method.header("Allow") == "POST");
}

BOOST_AUTO_TEST_CASE(operator_cli_creates_lists_disables_and_resets) {
  const auto admin = add_operator("alice", "admin");
  BOOST_TEST(admin.password.size() == 32u);
  const auto duplicate =
      run_cli({"operator", "add", "alice", "--role", "viewer"}, {{"DATABASE_URL", database.url()}});
  BOOST_TEST(duplicate.exit_code == 1);
  const auto bad_role =
      run_cli({"operator", "add", "bob", "--role", "root"}, {{"DATABASE_URL", database.url()}});
  BOOST_TEST(bad_role.exit_code == 2);
  BOOST_TEST(bad_role.err.find("viewer, operator or admin") != std::string::npos);

  const auto listed = run_cli({"operator", "list"}, {{"DATABASE_URL", database.url()}});
  BOOST_TEST(listed.exit_code == 0);
  BOOST_TEST(listed.out.find("alice\tadmin\tactive") != std::string::npos, listed.out);

  // A live session ends when the operator is disabled, and logins are refused.
  auto client = ops_client_for(admin);
  BOOST_TEST(client.get("/ops/api/session").status == 200);
  BOOST_TEST(
      run_cli({"operator", "disable", "alice"}, {{"DATABASE_URL", database.url()}}).exit_code == 0);
  BOOST_TEST(client.get("/ops/api/session").status == 401);
  BOOST_TEST(ops_anonymous_client()
                 .post("/ops/api/login", login_body(admin.name, admin.password))
                 .status == 401);
  BOOST_TEST(
      run_cli({"operator", "enable", "alice"}, {{"DATABASE_URL", database.url()}}).exit_code == 0);

  // A password reset ends sessions too, and only the new password works.
  auto again = ops_client_for(admin);
  const auto reset =
      run_cli({"operator", "reset-password", "alice"}, {{"DATABASE_URL", database.url()}});
  BOOST_TEST(reset.exit_code == 0);
  BOOST_TEST(again.get("/ops/api/session").status == 401);
  BOOST_TEST(ops_anonymous_client()
                 .post("/ops/api/login", login_body(admin.name, admin.password))
                 .status == 401);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE entity_type = 'operator' AND event IN "
                   "('operator.created', 'operator.disabled', 'operator.enabled', "
                   "'operator.password_reset', 'operator.login')") >= 6);
}

BOOST_AUTO_TEST_CASE(login_answers_a_token_a_cookie_and_a_csrf_token) {
  const auto viewer = add_operator("vic", "viewer");
  auto client = ops_anonymous_client();
  const auto answer = client.post("/ops/api/login", login_body(viewer.name, viewer.password));
  BOOST_REQUIRE(answer.status == 200);
  const auto body = parse_json(answer.body);
  BOOST_TEST(body.at("role").as_string() == "viewer");
  BOOST_TEST(body.at("expires_in").as_int64() == 1800);
  const std::string token(body.at("token").as_string());
  BOOST_TEST(token.starts_with("ops_"));
  const auto cookie = answer.header("Set-Cookie");
  BOOST_TEST(cookie.find("relay_ops_session=" + token) != std::string::npos, cookie);
  BOOST_TEST(cookie.find("HttpOnly") != std::string::npos, cookie);
  BOOST_TEST(cookie.find("SameSite=Strict") != std::string::npos, cookie);
  BOOST_TEST(answer.header("Cache-Control") == "no-store");
  // Only the token's digest is stored.
  BOOST_TEST(count("SELECT count(*) FROM operator_sessions WHERE token_sha256 = '" + token + "'") ==
             0);

  const auto session = client.get("/ops/api/session", {{"Authorization", "Bearer " + token}});
  BOOST_REQUIRE(session.status == 200);
  BOOST_TEST(parse_json(session.body).at("name").as_string() == "vic");
  BOOST_TEST(parse_json(session.body).at("csrf_token").as_string() ==
             body.at("csrf_token").as_string());
}

BOOST_AUTO_TEST_CASE(bad_logins_are_refused_with_the_field_named) {
  const auto viewer = add_operator("vic", "viewer");
  auto client = ops_anonymous_client();
  BOOST_TEST(client.post("/ops/api/login", login_body("vic", "wrong")).status == 401);
  BOOST_TEST(client.post("/ops/api/login", login_body("nobody", "wrong")).status == 401);
  const auto missing = client.post("/ops/api/login", R"({"username":"vic"})");
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(parse_json(missing.body).at("field").as_string() == "password");
  const auto unknown =
      client.post("/ops/api/login", R"({"username":"vic","password":"x","otp":1})");
  BOOST_TEST(unknown.status == 400);
  BOOST_TEST(parse_json(unknown.body).at("field").as_string() == "otp");
  const auto typed = client.post("/ops/api/login", R"({"username":5,"password":"x"})");
  BOOST_TEST(typed.status == 400);
  BOOST_TEST(parse_json(typed.body).at("field").as_string() == "username");
  BOOST_TEST(client.post("/ops/api/login", "not json").status == 400);
  BOOST_TEST(client.post("/ops/api/login", login_body("vic", "x"), {{"Content-Type", "text/plain"}})
                 .status == 415);
  const auto over = client.post("/ops/api/login", std::string(70000, ' '));
  BOOST_TEST(over.status == 413);
  // The password itself is never echoed.
  const auto echoed = client.post("/ops/api/login", login_body("vic", "SECRET-VALUE-123"));
  BOOST_TEST(echoed.body.find("SECRET-VALUE-123") == std::string::npos);
  // Ten failures for a name: 429 with Retry-After, even with the right password.
  auto fresh = ops_anonymous_client();
  for (int i = 0; i < 12; ++i) (void)fresh.post("/ops/api/login", login_body("vic", "wrong"));
  const auto throttled = fresh.post("/ops/api/login", login_body(viewer.name, viewer.password));
  BOOST_TEST(throttled.status == 429);
  BOOST_TEST(!throttled.header("Retry-After").empty());
}

BOOST_AUTO_TEST_CASE(vendor_and_operator_credentials_never_cross) {
  const auto vendor = add_vendor("acme");
  const auto vendor_token = token_for(vendor);
  const auto admin = add_operator("alice", "admin");
  const auto operator_token = login(admin).token;

  auto ops = ops_anonymous_client();
  const auto with_vendor_token =
      ops.get("/ops/api/session", {{"Authorization", "Bearer " + vendor_token}});
  BOOST_TEST(with_vendor_token.status == 401);
  BOOST_TEST(with_vendor_token.header("WWW-Authenticate") == "Bearer");

  auto portal = anonymous_client();
  const auto with_operator_token = portal.get("/api/OutgoingSecureMessages?externalId=X",
                                              {{"Authorization", "Bearer " + operator_token}});
  BOOST_TEST(with_operator_token.status == 401);
  // A vendor name and password do not log in on the operations listener.
  BOOST_TEST(ops.post("/ops/api/login", login_body(vendor.name, vendor.password)).status == 401);
}

BOOST_AUTO_TEST_CASE(cookie_sessions_need_the_csrf_header_to_change_state) {
  const auto admin = add_operator("alice", "admin");
  const auto session = login(admin);
  const std::string cookie = "relay_ops_session=" + session.token;
  auto client = ops_anonymous_client();
  BOOST_TEST(client.get("/ops/api/session", {{"Cookie", cookie}}).status == 200);
  const auto refused = client.post("/ops/api/logout", "", {{"Cookie", cookie}});
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(parse_json(refused.body).at("error").as_string() == "csrf");
  const auto wrong =
      client.post("/ops/api/logout", "", {{"Cookie", cookie}, {"X-CSRF-Token", "not-the-token"}});
  BOOST_TEST(wrong.status == 403);
  const auto done = client.post("/ops/api/logout", "",
                                {{"Cookie", cookie}, {"X-CSRF-Token", session.csrf_token}});
  BOOST_TEST(done.status == 200);
  BOOST_TEST(done.header("Set-Cookie").find("Max-Age=0") != std::string::npos);
  BOOST_TEST(client.get("/ops/api/session", {{"Cookie", cookie}}).status == 401);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE event = 'operator.logout'") == 1);
}

BOOST_AUTO_TEST_CASE(readiness_turns_503_first_on_sigterm) {
  // A gateway whose listeners keep serving for 3 s after SIGTERM, answering /readyz 503 meanwhile.
  auto draining = std::make_unique<GatewayProcess>(
      config_path.string(), EnvMap{{"DATABASE_URL", database.url()},
                                   {"GATEWAY_TOKEN_SECRET", token_secret},
                                   {"GATEWAY_HTTP_DRAIN_DELAY_SECONDS", "3"}});
  HttpClient ops("127.0.0.1", draining->ops_port());
  HttpClient vendor_side("127.0.0.1", draining->port());
  BOOST_TEST(ops.get("/readyz").status == 200);
  draining->signal(SIGTERM);
  std::this_thread::sleep_for(500ms);
  const auto ops_ready = ops.get("/readyz");
  BOOST_TEST(ops_ready.status == 503);
  BOOST_TEST(parse_json(ops_ready.body).at("status").as_string() == "draining");
  BOOST_TEST(vendor_side.get("/readyz").status == 503);
  BOOST_TEST(ops.get("/livez").status == 200);  // alive while draining
  BOOST_TEST(draining->wait_for_exit(15s).value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
