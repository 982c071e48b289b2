// Integration tests of a PostgreSQL outage: a real gateway reaches the database through a TcpProxy
// that cuts or black-holes the link. Every route answers 503 with Retry-After, promptly; after the
// restore everything answered before is there and new requests succeed; the relay keeps running.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>
#include <vector>

#include "tests/integration/gateway/api/gateway_fixture.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"
#include "tests/support/tcp_proxy.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const std::string webhook_key = "outage-test-webhook-key-0123456789";
const std::string messages_path = "/api/OutgoingSecureMessages";
const std::map<std::string, std::string> xml_body{{"Content-Type", "application/xml"}};
const std::map<std::string, std::string> form_body{
    {"Content-Type", "application/x-www-form-urlencoded"}};

// A loopback proxy in front of the server that RELAY_TEST_DATABASE_URL names.
TcpProxy proxy_to_test_server() {
  const auto address = server_address(test_database_admin_url());
  return TcpProxy(address.host, address.port);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string json_message(const std::string& external_id) {
  return replace_all(GatewayFixture::sample("message.json"), "MSG-0001", external_id);
}

std::string xml_message(const std::string& external_id) {
  return replace_all(GatewayFixture::sample("message.xml"), "MSG-0004", external_id);
}

std::string ping_webhook(const std::string& event_id) {
  return R"({"ping":"outage-ping","meta":{"messageId":")" + event_id +
         R"(","when":"2026-06-16T18:40:00.000Z","type":"ping"}})";
}

struct Timed {
  HttpResult answer;  // status 0 when the client gave up (timeout or connection failure)
  Clock::duration took{};
};

template <class Call>
Timed timed(Call call) {
  Timed result;
  const auto started = Clock::now();
  try {
    result.answer = call();
  } catch (const HttpClientError& failure) {
    BOOST_TEST_MESSAGE("no answer: " << failure.what());
  }
  result.took = Clock::now() - started;
  return result;
}

enum class Shape { json, xml };

// 503, Retry-After a few seconds, the portal's error shape in the expected format, within `limit`.
void check_unavailable(const Timed& result, Shape shape, Clock::duration limit) {
  const auto& answer = result.answer;
  BOOST_TEST(answer.status == 503, "status " << answer.status << ": " << answer.body);
  const std::string retry_after = answer.header("Retry-After");
  BOOST_TEST(
      (!retry_after.empty() && retry_after.find_first_not_of("0123456789") == std::string::npos &&
       std::stoi(retry_after) >= 1 && std::stoi(retry_after) <= 30),
      "Retry-After: '" << retry_after << "'");
  BOOST_TEST(result.took < limit,
             "answered after "
                 << std::chrono::duration_cast<std::chrono::milliseconds>(result.took).count()
                 << " ms");
  if (answer.status != 503) return;
  if (shape == Shape::json) {
    BOOST_TEST(answer.header("Content-Type").starts_with("application/json"));
    const auto body = parse_json(answer.body).as_object();
    BOOST_TEST(body.size() == 1u);
    BOOST_TEST(!body.at("message").as_string().empty());
  } else {
    BOOST_TEST(answer.header("Content-Type").starts_with("application/xml"));
    BOOST_TEST(answer.body.starts_with("<Error><Message>"), answer.body);
    BOOST_TEST(answer.body.ends_with("</Message></Error>"), answer.body);
  }
}

// Polls /readyz until it answers 200; false when the timeout elapses first.
bool wait_until_ready(HttpClient& client, Clock::duration timeout) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    try {
      if (client.get("/readyz").status == 200) return true;
    } catch (const HttpClientError&) {
    }
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(database_outage)

BOOST_AUTO_TEST_CASE(a_cut_link_answers_503_on_every_route_and_nothing_answered_is_lost) {
  auto proxy = proxy_to_test_server();
  GatewayFixture gateway(GatewayFixture::default_routing_json(), R"("relay": {"enabled": false})",
                         {{"METRIPORT_WEBHOOK_KEY", webhook_key}}, proxy.port());
  const auto vendor = gateway.add_vendor("outage-vendor");
  auto client = gateway.client_for(vendor);
  auto anonymous = gateway.anonymous_client();
  std::vector<std::string> answered_ok;
  {
    const auto answer = client.post(messages_path, json_message("OUT-1"));
    BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
    answered_ok.push_back("OUT-1");
  }

  proxy.cut();
  // Connection refused is immediate: every answer well within a second or two.
  const auto limit = 3s;
  const auto post_json = timed([&] { return client.post(messages_path, json_message("OUT-2")); });
  check_unavailable(post_json, Shape::json, limit);
  const auto post_xml =
      timed([&] { return client.post(messages_path, xml_message("OUT-3"), xml_body); });
  check_unavailable(post_xml, Shape::xml, limit);
  check_unavailable(timed([&] {
                      return client.post(
                          messages_path, xml_message("OUT-4"),
                          {{"Content-Type", "application/xml"}, {"Accept", "application/json"}});
                    }),
                    Shape::json, limit);
  check_unavailable(timed([&] { return client.get(messages_path + "?externalId=OUT-1"); }),
                    Shape::json, limit);
  check_unavailable(
      timed([&] {
        return client.get(messages_path + "?externalId=OUT-1", {{"Accept", "application/xml"}});
      }),
      Shape::xml, limit);
  check_unavailable(
      timed([&] { return client.get("/api/outgoingSecureMessages/search?subject=Imaging"); }),
      Shape::json, limit);
  check_unavailable(
      timed([&] { return anonymous.post("/token", post_form_body(vendor), form_body); }),
      Shape::json, limit);
  const std::string ping = ping_webhook("7d1f0b0e-0000-4000-8000-00000000aa01");
  check_unavailable(timed([&] {
                      return anonymous.post(
                          "/webhooks/metriport", ping,
                          {{"x-metriport-signature", RelayFixture::sign(webhook_key, ping)}});
                    }),
                    Shape::json, limit);
  const auto readiness = timed([&] { return anonymous.get("/readyz"); });
  BOOST_TEST(readiness.answer.status == 503);
  BOOST_TEST(readiness.took < limit);
  // A client retrying /token through the outage must not lock itself out (10 attempts allowed).
  for (int attempt = 0; attempt < 12; ++attempt) {
    const auto answer = anonymous.post("/token", post_form_body(vendor), form_body);
    BOOST_TEST(answer.status == 503);
    if (answer.status == 200) answered_ok.push_back("(token)");
  }
  BOOST_TEST(gateway.gateway->running());

  proxy.restore();
  BOOST_TEST_REQUIRE(wait_until_ready(anonymous, 15s));
  const auto retried = client.post(messages_path, json_message("OUT-2"));
  BOOST_TEST(retried.status == 200, retried.body);
  const auto retried_xml = client.post(messages_path, xml_message("OUT-3"), xml_body);
  BOOST_TEST(retried_xml.status == 200, retried_xml.body.substr(0, 300));
  for (const auto& external_id : {"OUT-1", "OUT-2", "OUT-3"}) {
    BOOST_TEST_CONTEXT(external_id) {
      const auto stored = client.get(messages_path + "?externalId=" + external_id);
      BOOST_TEST(stored.status == 200);
      BOOST_TEST(std::string(parse_json(stored.body).at("externalId").as_string()) == external_id);
    }
  }
  // Exactly what was answered 200 is stored: nothing lost, nothing stored from a 503.
  BOOST_TEST(gateway.count("SELECT count(*) FROM messages") == 3);
  BOOST_TEST(gateway.count("SELECT count(*) FROM messages WHERE external_id = 'OUT-4'") == 0);
  BOOST_TEST(gateway.count("SELECT count(*) FROM webhook_events") == 0);
  const auto token = anonymous.post("/token", post_form_body(vendor), form_body);
  BOOST_TEST(token.status == 200, token.body);  // not 429
  const auto log = gateway.gateway->log_text();
  BOOST_TEST(log.find("request.database_unavailable") != std::string::npos);
  BOOST_TEST(log.find("request.failed") == std::string::npos);  // no outage logged as a fault
}

BOOST_AUTO_TEST_CASE(a_black_holed_database_answers_503_within_the_connect_timeout) {
  auto proxy = proxy_to_test_server();
  GatewayFixture gateway(GatewayFixture::default_routing_json(), R"("relay": {"enabled": false})",
                         {}, proxy.port());
  const auto vendor = gateway.add_vendor("black-hole-vendor");
  const std::string token = gateway.token_for(vendor);
  auto client = gateway.client_for(vendor);
  BOOST_TEST_REQUIRE(client.post(messages_path, json_message("HOLE-1")).status == 200);

  proxy.black_hole();
  // More requests at once than the gateway has database connections (4): none may queue behind
  // connection attempts that each wait for the 5-second connect_timeout.
  constexpr int concurrent = 7;
  std::vector<Timed> results(concurrent);
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrent; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", gateway.gateway->port(), 20s);
      client.set_default_header("Authorization", "Bearer " + token);
      results[i] = timed([&] {
        return i == 0 ? client.get("/readyz")
                      : client.post(messages_path, json_message("HOLE-" + std::to_string(i + 1)));
      });
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < concurrent; ++i) {
    BOOST_TEST_MESSAGE(
        "request " << i << ": " << results[i].answer.status << " after "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(results[i].took).count()
                   << " ms");
    BOOST_TEST_CONTEXT("request " << i) {
      if (i == 0) {
        BOOST_TEST(results[i].answer.status == 503);
        BOOST_TEST(results[i].took < 9s);
      } else {
        check_unavailable(results[i], Shape::json, 9s);  // connect_timeout 5 s plus a margin
      }
    }
  }
  BOOST_TEST(proxy.accepted() > 1u);  // the gateway did try to reach the database
  BOOST_TEST(gateway.gateway->running());

  proxy.restore();
  BOOST_TEST_REQUIRE(wait_until_ready(client, 20s));
  const auto answer = client.post(messages_path, json_message("HOLE-2"));
  BOOST_TEST(answer.status == 200, answer.body);
  BOOST_TEST(gateway.count("SELECT count(*) FROM messages") == 2);
}

BOOST_AUTO_TEST_CASE(the_relay_keeps_running_through_an_outage_and_relays_after_it) {
  auto proxy = proxy_to_test_server();
  RelaySetup setup;
  setup.database_proxy_port = proxy.port();
  RelayFixture relay(setup);
  relay.post(TestMessage("RELAY-OUT-1", {"PAT-OUT-1"}));
  BOOST_TEST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 1, 20s));

  proxy.cut();
  auto& gateway = *relay.gateways->gateway;
  // The relay's loops meet the outage, log it and keep polling.
  BOOST_TEST(gateway.wait_for_log("relay.claim_failed", 10s));
  const auto refused = relay.client->post(
      messages_path, RelayFixture::portal_json(TestMessage("RELAY-OUT-2", {"PAT-OUT-2"})));
  BOOST_TEST(refused.status == 503);
  std::this_thread::sleep_for(2s);  // several poll rounds against the dead link
  BOOST_TEST_REQUIRE(gateway.running());

  proxy.restore();
  BOOST_TEST_REQUIRE(wait_until_ready(*relay.client, 20s));
  relay.post(TestMessage("RELAY-OUT-2", {"PAT-OUT-2"}));
  BOOST_TEST(relay.wait_for_deliveries("state = 'accepted'", 2, 30s));
  BOOST_TEST(gateway.running());
  const auto log = gateway.log_text();
  BOOST_TEST(log.find("relay.loop_failed") == std::string::npos);
  BOOST_TEST(log.find(R"("reason":"connection lost")") !=
             std::string::npos);  // logged as an outage
  BOOST_TEST(relay.simulator.received().at("messages").as_array().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
