// Tests for the server's defences against hogged resources: bodies counted as they arrive (per
// client, per lane), a running minimum rate, and eviction of silent connections at the cap.
#include <boost/test/unit_test.hpp>

#include "tests/unit/gateway/http/server_harness.hpp"

using namespace relay::http_test;

namespace {

constexpr std::size_t kib = 1024;

// A head announcing a body of `length` bytes on `path`; the body is sent separately.
std::string upload_head(const std::string& path, std::size_t length) {
  return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(length) +
         "\r\n\r\n";
}

Request post(const std::string& target, std::string body) {
  Request request{bhttp::verb::post, target, 11};
  request.set(bhttp::field::host, "x");
  request.body() = std::move(body);
  return request;
}

relay::config::HttpSettings large_body_settings() {
  auto settings = test_settings();
  settings.body_limit_bytes = 1024 * kib;
  return settings;
}

// "/lane..." bodies go to the reserved lane; "/healthz" is a probe.
relay::http::TransportHints lane_and_probe_hints() {
  relay::http::TransportHints hints;
  hints.lane_of = [](const relay::http::RequestHeader& header) {
    return std::string_view(header.target()).starts_with("/lane") ? relay::http::BodyLane::reserved
                                                                  : relay::http::BodyLane::shared;
  };
  hints.probe_paths = {"/healthz"};
  return hints;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(http_connection_limits)

BOOST_AUTO_TEST_CASE(declared_lengths_are_not_reserved_before_their_bytes_arrive) {
  relay::http::BodyLimits limits;
  limits.max_inflight_body_bytes = 2048 * kib;  // two whole bodies
  limits.max_body_bytes_per_client = 2048 * kib;
  RunningServer server(large_body_settings(), limits);
  // Three clients declare 1 MiB each and send one byte: they hold 3 bytes, not 3 MiB.
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < 3; ++i) {
    slow.push_back(std::make_unique<Client>(server.port()));
    slow.back()->send(upload_head("/echo", 1024 * kib) + "x");
  }
  BOOST_REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 3; }));

  // A whole 1 MiB body still fits and is served.
  Client fast(server.port());
  fast.send(post("/echo", std::string(1024 * kib, 'f')));
  const auto served = fast.read_response();
  BOOST_REQUIRE(served.has_value());
  BOOST_TEST(served->result_int() == 200u);
  BOOST_TEST(served->body().size() == 1024 * kib);
}

BOOST_AUTO_TEST_CASE(a_declared_trickle_is_cut_off_by_the_running_rate) {
  auto settings = large_body_settings();
  settings.read_timeout = 5s;
  relay::http::BodyLimits limits;
  limits.rate_grace = 1s;
  RunningServer server(settings, limits);
  Client client(server.port());
  // 1 MiB declared: the old allowance (size / rate) was 16 s; the running rate allows 1 s + a bit.
  client.send(upload_head("/echo", 1024 * kib));
  const auto start = std::chrono::steady_clock::now();
  bool cut_off = false;
  while (std::chrono::steady_clock::now() - start < 4s) {
    try {
      client.send("x");
    } catch (const boost::system::system_error&) {
      cut_off = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  BOOST_TEST(cut_off);
  BOOST_TEST((std::chrono::steady_clock::now() - start < 3s));
  BOOST_TEST(server.handler().calls == 0);
  BOOST_TEST(eventually([&] { return server.server().inflight_body_bytes() == 0; }));
}

BOOST_AUTO_TEST_CASE(one_client_cannot_hold_more_than_its_share) {
  auto settings = large_body_settings();
  settings.body_limit_bytes = 150 * kib;
  relay::http::BodyLimits limits;
  limits.max_inflight_body_bytes = 4096 * kib;
  limits.max_body_bytes_per_client = 300 * kib;
  RunningServer server(settings, limits);
  // Two uploads that sent 140 KiB of 150 KiB hold 280 KiB of the client's 300 KiB.
  Client first(server.port());
  Client second(server.port());
  first.send(upload_head("/echo", 150 * kib) + std::string(140 * kib, 'a'));
  second.send(upload_head("/echo", 150 * kib) + std::string(140 * kib, 'b'));
  BOOST_REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 280 * kib; }));

  // A third body of 50 KiB does not fit the client's share, though the server has room.
  Client third(server.port());
  third.send(upload_head("/echo", 50 * kib) + std::string(50 * kib, 'c'));
  const auto busy = third.read_response();
  BOOST_REQUIRE(busy.has_value());
  BOOST_TEST(busy->result_int() == 503u);
  BOOST_TEST((*busy)[bhttp::field::retry_after] == "1");

  first.send(std::string(10 * kib, 'a'));  // completes; its share is released after the answer
  const auto done = first.read_response();
  BOOST_REQUIRE(done.has_value());
  BOOST_TEST(done->result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(the_reserved_lane_is_served_while_the_shared_lane_is_full) {
  auto settings = large_body_settings();
  relay::http::BodyLimits limits;
  limits.max_inflight_body_bytes = 1024 * kib;
  limits.max_body_bytes_per_client = 1024 * kib;
  limits.reserved_lane_bytes = 256 * kib;
  limits.reserved_lane_bytes_per_client = 128 * kib;
  RunningServer server(settings, limits, lane_and_probe_hints());
  // A shared-lane upload holds the whole shared budget.
  Client hog(server.port());
  hog.send(upload_head("/echo", 1024 * kib) + std::string(1020 * kib, 'h'));
  BOOST_REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 1020 * kib; }));

  Client vendor(server.port());
  vendor.send(post("/echo", std::string(10 * kib, 'v')));
  const auto refused = vendor.read_response();
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->result_int() == 503u);

  Client webhook(server.port());
  webhook.send(post("/lane", std::string(10 * kib, 'w')));
  const auto served = webhook.read_response();
  BOOST_REQUIRE(served.has_value());
  BOOST_TEST(served->result_int() == 200u);
  // The lane's bytes are released once the answer is written, which may be after the client
  // has read it.
  BOOST_TEST(eventually([&] { return server.server().reserved_lane_body_bytes() == 0u; }));

  // Within the reserved lane, one client holds at most its share.
  Client lane_hog(server.port());
  lane_hog.send(upload_head("/lane", 200 * kib) + std::string(100 * kib, 'l'));
  BOOST_REQUIRE(
      eventually([&] { return server.server().reserved_lane_body_bytes() == 100 * kib; }));
  Client lane_second(server.port());
  lane_second.send(post("/lane", std::string(50 * kib, 's')));
  const auto lane_busy = lane_second.read_response();
  BOOST_REQUIRE(lane_busy.has_value());
  BOOST_TEST(lane_busy->result_int() == 503u);
}

BOOST_AUTO_TEST_CASE(at_the_cap_a_silent_connection_makes_way_for_a_newcomer) {
  auto settings = test_settings();
  settings.max_connections = 3;
  settings.first_byte_timeout = 30s;
  RunningServer server(settings);
  std::vector<std::unique_ptr<Client>> silent;
  for (int i = 0; i < 3; ++i) silent.push_back(std::make_unique<Client>(server.port()));
  BOOST_REQUIRE(eventually([&] { return server.server().active_connections() == 3; }));

  Client newcomer(server.port());
  newcomer.send(get("/"));
  const auto served = newcomer.read_response();
  BOOST_REQUIRE(served.has_value());
  BOOST_TEST(served->result_int() == 200u);
  BOOST_TEST(silent.front()->closed_by_server(2s));  // the oldest silent one went
  BOOST_TEST(server.server().active_connections() <= 3u);
}

BOOST_AUTO_TEST_CASE(at_the_cap_an_idle_keep_alive_connection_makes_way) {
  auto settings = test_settings();
  settings.max_connections = 2;
  RunningServer server(settings);
  Client idle(server.port());
  idle.send(get("/"));
  BOOST_REQUIRE(idle.read_response().has_value());
  Client busy(server.port());
  busy.send(upload_head("/echo", 10) + "01234");  // mid-request: never evicted
  BOOST_REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 5; }));

  Client newcomer(server.port());
  newcomer.send(get("/"));
  const auto served = newcomer.read_response();
  BOOST_REQUIRE(served.has_value());
  BOOST_TEST(served->result_int() == 200u);
  BOOST_TEST(idle.closed_by_server(2s));
  busy.send("56789");
  const auto finished = busy.read_response();
  BOOST_REQUIRE(finished.has_value());
  BOOST_TEST(finished->body() == "0123456789");
}

BOOST_AUTO_TEST_CASE(probes_are_answered_even_when_every_connection_is_busy) {
  auto settings = test_settings();
  settings.max_connections = 2;
  RunningServer server(settings, {}, lane_and_probe_hints());
  Client first(server.port());
  Client second(server.port());
  first.send(upload_head("/echo", 10) + "01234");
  second.send(upload_head("/echo", 10) + "01234");
  BOOST_REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 10; }));

  Client probe(server.port());
  probe.send(get("/healthz"));
  const auto alive = probe.read_response();
  BOOST_REQUIRE(alive.has_value());
  BOOST_TEST(alive->result_int() == 200u);
  BOOST_TEST(alive->body() == "hello");  // the handler's answer

  Client other(server.port());
  other.send(get("/"));
  const auto refused = other.read_response();
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->result_int() == 503u);
}

BOOST_AUTO_TEST_SUITE_END()
