// Integration tests of POST /token and bearer authentication against the real gateway process:
// the portal's password grant, its error answers, and 401 with WWW-Authenticate on every API call.
#include <boost/test/unit_test.hpp>

#include "gateway/auth/token_signer.hpp"
#include "tests/integration/gateway/api/gateway_fixture.hpp"

using namespace relay::testing;

namespace {
const std::map<std::string, std::string> form_headers{
    {"Content-Type", "application/x-www-form-urlencoded"}};
}

BOOST_FIXTURE_TEST_SUITE(token_endpoint, GatewayFixture)

BOOST_AUTO_TEST_CASE(password_grant_issues_a_bearer_token) {
  const auto vendor = add_vendor("acme");
  auto client = anonymous_client();
  const auto answer = client.post("/token", post_form_body(vendor), form_headers);
  BOOST_TEST(answer.status == 200);
  const auto json = parse_json(answer.body).as_object();
  BOOST_TEST(json.at("token_type").as_string() == "bearer");
  BOOST_TEST(json.at("expires_in").as_int64() == 600);
  BOOST_TEST(!json.at("access_token").as_string().empty());
  BOOST_TEST(answer.header("Cache-Control") == "no-store");

  client.set_default_header("Authorization",
                            "Bearer " + std::string(json.at("access_token").as_string()));
  BOOST_TEST(client.get("/api/OutgoingSecureMessages?externalId=none").status == 404);
}

BOOST_AUTO_TEST_CASE(wrong_password_and_unknown_user_are_invalid_grant) {
  auto vendor = add_vendor("acme");
  auto client = anonymous_client();
  vendor.password += "x";
  auto answer = client.post("/token", post_form_body(vendor), form_headers);
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(parse_json(answer.body).at("error").as_string() == "invalid_grant");
  answer = client.post("/token", post_form_body({"nobody", "secret"}), form_headers);
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(parse_json(answer.body).at("error").as_string() == "invalid_grant");
}

BOOST_AUTO_TEST_CASE(repeated_failures_for_a_name_are_throttled) {
  auto vendor = add_vendor("acme");
  auto client = anonymous_client();
  const VendorAccount wrong{vendor.name, vendor.password + "x"};
  for (int i = 0; i < 10; ++i) {
    BOOST_TEST(client.post("/token", post_form_body(wrong), form_headers).status == 400);
  }
  // Even the right password waits now: a guesser cannot tell when it found it.
  const auto answer = client.post("/token", post_form_body(vendor), form_headers);
  BOOST_TEST(answer.status == 429);
  BOOST_TEST(!answer.header("Retry-After").empty());
  // Another name is not affected.
  const auto other = add_vendor("other");
  BOOST_TEST(client.post("/token", post_form_body(other), form_headers).status == 200);
}

BOOST_AUTO_TEST_CASE(disabled_vendors_lose_their_tokens_and_logins) {
  const auto vendor = add_vendor("acme");
  const auto token = token_for(vendor);
  const auto disabled = run_cli({"vendor", "disable", "acme"}, {{"DATABASE_URL", database.url()}});
  BOOST_TEST_REQUIRE(disabled.exit_code == 0, disabled.err);
  auto client = anonymous_client();
  const auto answer = client.get("/api/OutgoingSecureMessages?externalId=x",
                                 {{"Authorization", "Bearer " + token}});
  BOOST_TEST(answer.status == 401);
  BOOST_TEST(client.post("/token", post_form_body(vendor), form_headers).status == 400);

  BOOST_TEST(run_cli({"vendor", "enable", "acme"}, {{"DATABASE_URL", database.url()}}).exit_code ==
             0);
  const auto reset =
      run_cli({"vendor", "reset-password", "acme"}, {{"DATABASE_URL", database.url()}});
  BOOST_TEST_REQUIRE(reset.exit_code == 0);
  const auto line = reset.out.substr(reset.out.find("password: ") + 10);
  const VendorAccount renewed{"acme", line.substr(0, line.find('\n'))};
  BOOST_TEST(client.post("/token", post_form_body(vendor), form_headers).status == 400);
  BOOST_TEST(client.post("/token", post_form_body(renewed), form_headers).status == 200);
  const auto listed = run_cli({"vendor", "list"}, {{"DATABASE_URL", database.url()}});
  BOOST_TEST(listed.out.find("acme\tactive") != std::string::npos, listed.out);
}

BOOST_AUTO_TEST_CASE(other_grants_and_bodies_are_refused) {
  auto client = anonymous_client();
  auto answer = client.post("/token", "grant_type=client_credentials&client_id=x", form_headers);
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(parse_json(answer.body).at("error").as_string() == "unsupported_grant_type");
  answer = client.post("/token", R"({"grant_type":"password"})");
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(parse_json(answer.body).at("error").as_string() == "invalid_request");
  BOOST_TEST(client.get("/token").status == 405);
}

BOOST_AUTO_TEST_CASE(missing_bad_and_expired_tokens_get_401_with_bearer_challenge) {
  const auto vendor = add_vendor("acme");
  auto client = anonymous_client();
  auto answer = client.post("/api/OutgoingSecureMessages", sample("message.json"));
  BOOST_TEST(answer.status == 401);
  BOOST_TEST(answer.header("WWW-Authenticate").starts_with("Bearer"));

  answer = client.get("/api/OutgoingSecureMessages?externalId=MSG-0001",
                      {{"Authorization", "Bearer v1.1.9999999999.AAAA.forged"}});
  BOOST_TEST(answer.status == 401);
  BOOST_TEST(answer.header("WWW-Authenticate").starts_with("Bearer"));

  const relay::auth::TokenSigner signer(token_secret, std::chrono::seconds(60));
  const auto expired = signer.issue(1, std::chrono::system_clock::now() - std::chrono::hours(1));
  answer =
      client.get("/api/outgoingSecureMessages/search", {{"Authorization", "Bearer " + expired}});
  BOOST_TEST(answer.status == 401);

  const relay::auth::TokenSigner other(std::string(40, 'k'), std::chrono::seconds(60));
  answer =
      client.get("/api/outgoingSecureMessages/search",
                 {{"Authorization", "Bearer " + other.issue(1, std::chrono::system_clock::now())}});
  BOOST_TEST(answer.status == 401);
}

BOOST_AUTO_TEST_SUITE_END()
