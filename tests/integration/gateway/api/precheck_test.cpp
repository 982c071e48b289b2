// Integration tests of the header-only precheck in the real gateway: requests the header already
// decides (401, 415, 404, 413) are answered at once, without 100 Continue and without their body.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/api/gateway_fixture.hpp"

using namespace relay::testing;

namespace {

const std::string messages_path = "/api/OutgoingSecureMessages";

// A request head announcing a body and asking for 100 Continue; the body is not sent.
std::string head(const std::string& target, std::size_t content_length,
                 const std::string& extra_headers = "",
                 const std::string& content_type = "application/json") {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
         "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(content_length) + "\r\n" +
         extra_headers + "\r\n";
}

bool starts_with_final(const std::string& raw, int status) {
  return raw.starts_with("HTTP/1.1 " + std::to_string(status) + " ");
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(precheck, GatewayFixture)

BOOST_AUTO_TEST_CASE(unauthenticated_upload_is_401_before_100_continue) {
  auto client = anonymous_client();
  client.set_timeout(std::chrono::seconds(5));
  const auto raw = client.send_raw(head(messages_path, 1000000));
  BOOST_TEST(starts_with_final(raw, 401), raw);
  BOOST_TEST(raw.find("100 Continue") == std::string::npos);
  BOOST_TEST(raw.find("WWW-Authenticate: Bearer") != std::string::npos);
  BOOST_TEST(raw.find("Connection: close") != std::string::npos);

  const auto bad_token = client.send_raw(
      head(messages_path, 1000000, "Authorization: Bearer v1.1.99999999999.abc.def\r\n"));
  BOOST_TEST(starts_with_final(bad_token, 401), bad_token);
  BOOST_TEST(bad_token.find(R"(Bearer error="invalid_token")") != std::string::npos);
  BOOST_TEST(gateway->running());
}

BOOST_AUTO_TEST_CASE(authenticated_upload_gets_100_continue_then_its_answer) {
  const auto vendor = add_vendor("acme");
  const std::string authorization = "Authorization: Bearer " + token_for(vendor) + "\r\n";
  auto client = anonymous_client();

  const auto body = sample("message.json");
  const auto raw = client.send_raw(head(messages_path, body.size(), authorization) + body);
  BOOST_TEST(raw.starts_with("HTTP/1.1 100 Continue\r\n"), raw);
  const auto final_answer = raw.find("HTTP/1.1 200 OK\r\n");
  BOOST_TEST(final_answer != std::string::npos, raw);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 1);

  // A megabyte that is not JSON: read in full, then answered by the API (400), not refused.
  const auto big =
      client.send_raw(head(messages_path, 1000000, authorization) + std::string(1000000, ' '));
  BOOST_TEST(big.starts_with("HTTP/1.1 100 Continue\r\n"), big.substr(0, 200));
  BOOST_TEST(big.find("HTTP/1.1 400 Bad Request\r\n") != std::string::npos, big.substr(0, 400));
}

BOOST_AUTO_TEST_CASE(wrong_media_type_is_415_before_the_body) {
  const auto vendor = add_vendor("acme");
  const std::string authorization = "Authorization: Bearer " + token_for(vendor) + "\r\n";
  auto client = anonymous_client();
  const auto raw = client.send_raw(head(messages_path, 1000000, authorization, "text/plain"));
  BOOST_TEST(starts_with_final(raw, 415), raw);
  BOOST_TEST(raw.find("100 Continue") == std::string::npos);
  BOOST_TEST(raw.find("application/json, text/json, application/xml, text/xml or "
                      "application/x-www-form-urlencoded") != std::string::npos,
             raw);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 0);
}

BOOST_AUTO_TEST_CASE(unknown_path_and_oversized_token_request_are_refused_before_the_body) {
  auto client = anonymous_client();
  const auto unknown = client.send_raw(head("/api/Nothing", 1000000));
  BOOST_TEST(starts_with_final(unknown, 404), unknown);
  BOOST_TEST(unknown.find("100 Continue") == std::string::npos);
  BOOST_TEST(unknown.find("No HTTP resource was found") != std::string::npos);

  const auto token =
      client.send_raw(head("/token", 1000000, "", "application/x-www-form-urlencoded"));
  BOOST_TEST(starts_with_final(token, 413), token);
  BOOST_TEST(token.find("100 Continue") == std::string::npos);

  // Requests the precheck lets through still work on ordinary connections.
  BOOST_TEST(client.get("/healthz").status == 200);
  BOOST_TEST(client.get("/api/OutgoingSecureMessages?externalId=x").status == 401);
  BOOST_TEST(client.get("/api/OutgoingSecureMessages?externalId=x").status == 401);
}

BOOST_AUTO_TEST_SUITE_END()
