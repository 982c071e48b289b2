// Integration tests of the vendor listener's hardening in the real gateway: request smuggling,
// slow bodies, silent connections at the cap, Host rules, absolute-form targets, probe methods.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "tests/integration/gateway/api/gateway_fixture.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;

namespace {

const std::string messages_path = "/api/OutgoingSecureMessages";
const std::string webhook_key = "transport-test-webhook-key-0123456789";

// A plain socket that writes what it is told and never reads: a slow or silent client.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : socket_(io_) {
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  }
  void write(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
};

// How many HTTP answers (status lines) a raw exchange holds.
int count_answers(const std::string& raw) {
  int answers = 0;
  for (auto at = raw.find("HTTP/1.1 "); at != std::string::npos;
       at = raw.find("HTTP/1.1 ", at + 1)) {
    ++answers;
  }
  return answers;
}

std::string status_event(const std::string& event_id) {
  return R"({"meta":{"messageId":")" + event_id +
         R"(","when":"2026-06-16T18:40:00.000Z","type":"message.status"},"payload":{"id":"0b9cbf6c-5bd1-4c5b-9f33-1d2f4f1a7c11","patientId":"2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f","status":"completed","sentAt":"2026-06-16T18:39:00.000Z","completedAt":"2026-06-16T18:40:00.000Z"}})";
}

HttpResult post_signed_webhook(HttpClient& client, const std::string& body) {
  return client.post("/webhooks/metriport", body,
                     {{"x-metriport-signature", RelayFixture::sign(webhook_key, body)}});
}

struct SmallLimits : GatewayFixture {
  SmallLimits()
      : GatewayFixture(default_routing_json(), R"("relay": {"enabled": false})",
                       {{"GATEWAY_HTTP_BODY_LIMIT_BYTES", "1048576"},
                        {"GATEWAY_HTTP_MAX_INFLIGHT_BODY_BYTES", "4194304"},
                        {"GATEWAY_HTTP_MAX_BODY_BYTES_PER_CLIENT", "4194304"},
                        {"GATEWAY_HTTP_MAX_CONNECTIONS", "64"},
                        {"GATEWAY_HTTP_FIRST_BYTE_TIMEOUT_SECONDS", "30"},
                        {"GATEWAY_HTTP_BODY_RATE_GRACE_SECONDS", "30"},
                        {"METRIPORT_WEBHOOK_KEY", webhook_key}}) {}
};

}  // namespace

BOOST_AUTO_TEST_SUITE(transport_hardening)

BOOST_FIXTURE_TEST_CASE(smuggled_requests_behind_a_token_post_are_never_served, GatewayFixture) {
  const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string form_head =
      "POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n";
  auto client = anonymous_client();
  client.set_timeout(std::chrono::seconds(5));
  for (const std::string coding : {"identity", "xchunked"}) {
    const auto raw = client.send_raw(
        form_head + "Transfer-Encoding: " + coding + "\r\nContent-Length: 4\r\n\r\nabcd" + smuggled,
        true);
    BOOST_TEST(raw.starts_with("HTTP/1.1 400 "), raw);
    BOOST_TEST(count_answers(raw) == 1, raw);
  }
  const auto gzip = client.send_raw(form_head + "Transfer-Encoding: gzip\r\n\r\n" + smuggled, true);
  BOOST_TEST(gzip.starts_with("HTTP/1.1 400 "), gzip);
  BOOST_TEST(count_answers(gzip) == 1, gzip);
  BOOST_TEST(gzip.find("final transfer coding") != std::string::npos, gzip);
}

BOOST_FIXTURE_TEST_CASE(host_is_required_exactly_once, GatewayFixture) {
  auto client = anonymous_client();
  client.set_timeout(std::chrono::seconds(5));
  const auto missing = client.send_raw("GET /healthz HTTP/1.1\r\n\r\n", true);
  BOOST_TEST(missing.starts_with("HTTP/1.1 400 "), missing);
  BOOST_TEST(missing.find("needs a Host header") != std::string::npos, missing);
  const auto twice = client.send_raw("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", true);
  BOOST_TEST(twice.starts_with("HTTP/1.1 400 "), twice);
}

BOOST_FIXTURE_TEST_CASE(absolute_form_targets_are_served, GatewayFixture) {
  const auto vendor = add_vendor("acme");
  auto client = client_for(vendor);
  const std::string origin = gateway->base_url();
  const auto posted = client.post(origin + messages_path, sample("message.json"));
  BOOST_TEST(posted.status == 200, posted.body);
  const auto read = client.get(origin + messages_path + "?externalId=MSG-0001");
  BOOST_TEST(read.status == 200, read.body);
  const auto token =
      anonymous_client().post("HTTP://127.0.0.1/token", post_form_body(vendor),
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
  BOOST_TEST(token.status == 200, token.body);
}

BOOST_FIXTURE_TEST_CASE(health_endpoints_answer_get_and_head_only, GatewayFixture) {
  auto client = anonymous_client();
  BOOST_TEST(client.get("/livez").status == 200);
  BOOST_TEST(client.get("/healthz").status == 200);
  const auto head = client.request("HEAD", "/readyz");
  BOOST_TEST(head.status == 200);
  BOOST_TEST(head.body.empty());
  for (const std::string method : {"POST", "PUT", "DELETE"}) {
    for (const std::string path : {"/healthz", "/livez", "/readyz"}) {
      const auto refused = client.request(method, path);
      BOOST_TEST(refused.status == 405, method + " " + path);
      BOOST_TEST(refused.header("Allow") == "GET, HEAD", method + " " + path);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(slow_uploads_starve_neither_intake_nor_webhooks, SmallLimits) {
  const auto vendor = add_vendor("acme");
  const std::string authorization = "Authorization: Bearer " + token_for(vendor) + "\r\n";
  // Eight authenticated uploads declaring 1 MiB each (8 MiB: twice the 4 MiB budget) and forged
  // webhooks declaring the webhook limit, each sending one byte: they hold a byte each.
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawConnection>(gateway->port()));
    slow.back()->write("POST " + messages_path +
                       " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                       authorization + "Content-Length: 1048576\r\n\r\n{");
  }
  for (int i = 0; i < 40; ++i) {
    slow.push_back(std::make_unique<RawConnection>(gateway->port()));
    slow.back()->write(
        "POST /webhooks/metriport HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "x-metriport-signature: 00\r\nContent-Length: 65536\r\n\r\n{");
  }

  auto client = client_for(vendor);
  const auto posted = client.post(messages_path, sample("message.json"));
  BOOST_TEST(posted.status == 200, posted.body);
  auto metriport = anonymous_client();
  const auto webhook = post_signed_webhook(metriport, status_event("evt-slow-1"));
  BOOST_TEST(webhook.status == 200, webhook.body);
  BOOST_TEST(count("SELECT count(*) FROM webhook_events") == 1);
}

BOOST_FIXTURE_TEST_CASE(unsigned_webhooks_are_refused_before_their_body, SmallLimits) {
  auto client = anonymous_client();
  client.set_timeout(std::chrono::seconds(5));
  const auto raw = client.send_raw(
      "POST /webhooks/metriport HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: 1000\r\n\r\n");
  BOOST_TEST(raw.starts_with("HTTP/1.1 401 "), raw);
  BOOST_TEST(raw.find("100 Continue") == std::string::npos, raw);
  const auto oversized = client.send_raw(
      "POST /webhooks/metriport HTTP/1.1\r\nHost: x\r\nx-metriport-signature: 00\r\n"
      "Content-Length: 65537\r\n\r\n");
  BOOST_TEST(oversized.starts_with("HTTP/1.1 413 "), oversized);
}

BOOST_FIXTURE_TEST_CASE(silent_connections_make_way_for_newcomers_and_probes, SmallLimits) {
  const auto vendor = add_vendor("acme");
  // Every connection slot held by sockets that never speak.
  std::vector<std::unique_ptr<RawConnection>> silent;
  for (int i = 0; i < 64; ++i) silent.push_back(std::make_unique<RawConnection>(gateway->port()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  auto probe = anonymous_client();
  BOOST_TEST(probe.get("/livez").status == 200);
  auto newcomer = anonymous_client();
  const auto token = newcomer.post("/token", post_form_body(vendor),
                                   {{"Content-Type", "application/x-www-form-urlencoded"}});
  BOOST_TEST(token.status == 200, token.body);
  const auto posted = client_for(vendor).post(messages_path, sample("message.json"));
  BOOST_TEST(posted.status == 200, posted.body);
}

BOOST_AUTO_TEST_SUITE_END()
