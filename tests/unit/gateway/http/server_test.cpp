// Tests for gateway/http/server: a real Server on 127.0.0.1 driven by a small Beast client whose
// every operation has a deadline (server_harness.hpp), so no test can hang; and the body budget.
#include <boost/test/unit_test.hpp>

#include "tests/unit/gateway/http/server_harness.hpp"

using namespace relay::http_test;

BOOST_AUTO_TEST_SUITE(http_server)

BOOST_AUTO_TEST_CASE(simple_get) {
  RunningServer server;
  BOOST_TEST(server.port() != 0);
  Client client(server.port());
  client.send(get("/"));
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 200u);
  BOOST_TEST(response->body() == "hello");
  BOOST_TEST((*response)[bhttp::field::server] == "relay-gateway");
  BOOST_TEST((*response)["X-Test"] == "kept");
  BOOST_TEST((*response)[bhttp::field::content_length] == "5");
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_two_requests_on_one_connection) {
  RunningServer server;
  Client client(server.port());
  client.send(get("/"));
  auto first = client.read_response();
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(first->keep_alive());
  Request echo{bhttp::verb::post, "/echo", 11};
  echo.body() = "second";
  client.send(echo);
  auto second = client.read_response();
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(second->body() == "second");
  BOOST_TEST(server.server().active_connections() == 1u);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  RunningServer server;
  Client client(server.port());
  client.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwo");
  const auto one = client.read_response();
  const auto two = client.read_response();
  BOOST_REQUIRE(one.has_value());
  BOOST_REQUIRE(two.has_value());
  BOOST_TEST(one->body() == "one");
  BOOST_TEST(two->body() == "two");
}

BOOST_AUTO_TEST_CASE(connection_close_is_honoured) {
  RunningServer server;
  Client client(server.port());
  auto request = get("/");
  request.keep_alive(false);
  client.send(request);
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(!response->keep_alive());
  BOOST_TEST(client.closed_by_server(3s));
}

BOOST_AUTO_TEST_CASE(oversized_content_length_is_413_without_the_body) {
  RunningServer server;
  Client client(server.port());
  client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 413u);
  BOOST_TEST(response->body() == "{\"message\":\"request body too large\"}");
  BOOST_TEST((*response)[bhttp::field::server] == "relay-gateway");
  BOOST_TEST(!response->keep_alive());
  BOOST_TEST(client.closed_by_server(3s));
}

BOOST_AUTO_TEST_CASE(oversized_chunked_body_is_413) {
  RunningServer server;
  Client client(server.port());
  std::string request = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += "200\r\n" + std::string(0x200, 'a') + "\r\n";
  request += "0\r\n\r\n";
  client.send(request);
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 413u);
}

BOOST_AUTO_TEST_CASE(expect_continue_small_body_gets_100_then_answer) {
  RunningServer server;
  Client client(server.port());
  client.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
  const auto interim = client.read_interim();
  BOOST_REQUIRE(interim.has_value());
  BOOST_TEST(interim->result_int() == 100u);
  BOOST_TEST((*interim)[bhttp::field::server] == "relay-gateway");
  client.send("hello world");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 200u);
  BOOST_TEST(response->body() == "hello world");
}

BOOST_AUTO_TEST_CASE(expect_continue_large_body_gets_413_without_100) {
  RunningServer server;
  Client client(server.port());
  client.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2000\r\n\r\n");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 413u);
  BOOST_TEST(client.closed_by_server(3s));
}

BOOST_AUTO_TEST_CASE(huge_header_is_431) {
  RunningServer server;
  Client client(server.port());
  client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'b') + "\r\n\r\n");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 431u);
  BOOST_TEST(response->body() == "{\"message\":\"request header too large\"}");
  BOOST_TEST(client.closed_by_server(3s));
}

BOOST_AUTO_TEST_CASE(garbage_is_400) {
  RunningServer server;
  Client client(server.port());
  client.send("\x01\x02 this is not http\r\n\r\n");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 400u);
  BOOST_TEST(response->body() == "{\"message\":\"malformed HTTP request\"}");
  BOOST_TEST(client.closed_by_server(3s));
}

BOOST_AUTO_TEST_CASE(bad_content_length_is_400) {
  RunningServer server;
  Client client(server.port());
  client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 400u);
}

BOOST_AUTO_TEST_CASE(over_the_connection_cap_gets_503_when_every_connection_is_mid_request) {
  auto settings = test_settings();
  settings.max_connections = 2;
  RunningServer server(settings);
  // Two uploads whose bodies are half sent: mid-request, so neither can make way.
  const std::string upload =
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n" + std::string(10, 'u');
  auto first = std::make_unique<Client>(server.port());
  first->send(upload);
  Client second(server.port());
  second.send(upload);
  BOOST_REQUIRE(eventually([&] { return server.server().active_connections() == 2; }));
  BOOST_REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 20; }));

  Client third(server.port());
  third.send(get("/"));
  const auto refused = third.read_response();
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->result_int() == 503u);
  BOOST_TEST(refused->body() == "{\"message\":\"too many connections\"}");
  BOOST_TEST((*refused)[bhttp::field::retry_after] == "1");
  BOOST_TEST(!refused->keep_alive());
  BOOST_TEST(third.closed_by_server(3s));
  BOOST_TEST(server.server().active_connections() == 2u);

  first.reset();  // frees a slot
  BOOST_REQUIRE(eventually([&] { return server.server().active_connections() == 1; }));
  Client fourth(server.port());
  fourth.send(get("/"));
  const auto served = fourth.read_response();
  BOOST_REQUIRE(served.has_value());
  BOOST_TEST(served->result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(first_byte_timeout_closes_a_silent_connection) {
  auto settings = test_settings();
  settings.first_byte_timeout = 1s;
  settings.read_timeout = 10s;
  RunningServer server(settings);
  Client client(server.port());
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(client.closed_by_server(4s));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST(elapsed >= 900ms);
  BOOST_TEST(elapsed < 3s);
  BOOST_TEST(eventually([&] { return server.server().active_connections() == 0; }));
}

BOOST_AUTO_TEST_CASE(read_timeout_closes_a_stalled_header) {
  auto settings = test_settings();
  settings.read_timeout = 1s;
  RunningServer server(settings);
  Client client(server.port());
  client.send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finished
  BOOST_TEST(client.closed_by_server(4s));
}

BOOST_AUTO_TEST_CASE(keep_alive_timeout_closes_an_idle_connection) {
  auto settings = test_settings();
  settings.keep_alive_timeout = 1s;
  RunningServer server(settings);
  Client client(server.port());
  client.send(get("/"));
  BOOST_REQUIRE(client.read_response().has_value());
  BOOST_TEST(client.closed_by_server(4s));
}

BOOST_AUTO_TEST_CASE(handler_exception_is_500_and_the_server_goes_on) {
  RunningServer server;
  Client client(server.port());
  client.send(get("/throw"));
  const auto failed = client.read_response();
  BOOST_REQUIRE(failed.has_value());
  BOOST_TEST(failed->result_int() == 500u);
  BOOST_TEST(failed->body() == "{\"message\":\"internal server error\"}");
  BOOST_TEST(failed->body().find("exploded") == std::string::npos);
  BOOST_TEST((*failed)[bhttp::field::server] == "relay-gateway");

  client.send(get("/"));  // same connection still works
  const auto after = client.read_response();
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(after->result_int() == 200u);

  Client other(server.port());
  other.send(get("/"));
  BOOST_TEST(other.read_response().has_value());
}

BOOST_AUTO_TEST_CASE(http_1_0_closes_after_the_answer) {
  RunningServer server;
  Client client(server.port());
  client.send("GET / HTTP/1.0\r\n\r\n");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->version() == 10u);
  BOOST_TEST(response->body() == "hello");
  BOOST_TEST(client.closed_by_server(3s));
}

BOOST_AUTO_TEST_CASE(shutdown_drains_in_flight_and_closes_idle) {
  asio::io_context io;
  auto handler = std::make_shared<Handler>();
  auto settings = test_settings();
  relay::http::Server server(
      io, settings, [handler](Request& r) { return (*handler)(r); }, error_response, nullptr);
  server.start();
  auto work = asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&io] { io.run(); });

  Client idle(server.port());
  idle.send(get("/"));
  BOOST_REQUIRE(idle.read_response().has_value());

  Client busy(server.port());
  busy.send(get("/slow"));
  BOOST_REQUIRE(eventually([&] { return handler->slow_started == 1; }));

  std::promise<void> drained;
  auto drained_future = drained.get_future();
  std::atomic<int> drain_calls{0};
  server.begin_shutdown([&] {
    if (++drain_calls == 1) drained.set_value();
  });

  BOOST_TEST(idle.closed_by_server(2s));  // idle keep-alive connection closed at once
  const auto slow = busy.read_response();
  BOOST_REQUIRE(slow.has_value());
  BOOST_TEST(slow->result_int() == 200u);
  BOOST_TEST(slow->body() == "slow done");
  BOOST_TEST(!slow->keep_alive());  // answered with Connection: close
  BOOST_TEST(busy.closed_by_server(2s));

  BOOST_TEST((drained_future.wait_for(5s) == std::future_status::ready));
  BOOST_TEST(server.active_connections() == 0u);
  BOOST_CHECK_THROW(Client(server.port(), 2s), boost::system::system_error);  // not accepting

  server.begin_shutdown([&] { ++drain_calls; });  // ignored
  std::this_thread::sleep_for(100ms);
  BOOST_TEST(drain_calls == 1);

  work.reset();
  io.stop();
  for (auto& thread : threads) thread.join();
}

BOOST_AUTO_TEST_CASE(shutdown_grace_bounds_the_drain) {
  asio::io_context io;
  auto handler = std::make_shared<Handler>();
  handler->slow_delay = 4000ms;
  auto settings = test_settings();
  settings.shutdown_grace = 1s;
  relay::http::Server server(
      io, settings, [handler](Request& r) { return (*handler)(r); }, error_response, nullptr);
  server.start();
  auto work = asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&io] { io.run(); });

  Client busy(server.port());
  busy.send(get("/slow"));
  BOOST_REQUIRE(eventually([&] { return handler->slow_started == 1; }));

  std::promise<void> drained;
  const auto start = std::chrono::steady_clock::now();
  server.begin_shutdown([&] { drained.set_value(); });
  BOOST_TEST((drained.get_future().wait_for(5s) == std::future_status::ready));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST(elapsed >= 900ms);
  BOOST_TEST(elapsed < 3s);
  BOOST_TEST(busy.closed_by_server(2s));

  work.reset();
  io.stop();
  for (auto& thread : threads) thread.join();
}

BOOST_AUTO_TEST_CASE(shutdown_without_connections_drains_at_once) {
  asio::io_context io;
  relay::http::Server server(io, test_settings(), plain_handler(), error_response, nullptr);
  server.start();
  std::promise<void> drained;
  server.begin_shutdown([&] { drained.set_value(); });
  std::thread runner([&io] { io.run_for(5s); });
  BOOST_TEST((drained.get_future().wait_for(5s) == std::future_status::ready));
  runner.join();  // returns early: nothing left to wait for once drained
}

BOOST_AUTO_TEST_CASE(bind_failure_throws_system_error) {
  RunningServer first;
  asio::io_context io;
  auto settings = test_settings();
  settings.listen_port = first.port();
  relay::http::Server second(io, settings, plain_handler(), error_response, nullptr);
  BOOST_CHECK_THROW(second.start(), std::system_error);
}

BOOST_AUTO_TEST_CASE(precheck_refusal_sends_no_100_continue_and_reads_no_body) {
  RunningServer server;
  Client client(server.port());
  client.send(
      "POST /refuse HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000\r\n\r\n");
  // The first answer is the final one: no 100 Continue comes before it.
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 401u);
  BOOST_TEST(response->body() == "refused");
  BOOST_TEST((*response)[bhttp::field::server] == "relay-gateway");
  BOOST_TEST(!response->keep_alive());
  BOOST_TEST(client.closed_by_server(3s));
  BOOST_TEST(server.precheck().calls == 1);
  BOOST_TEST(server.handler().calls == 0);
  BOOST_TEST(server.server().inflight_body_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(precheck_refusal_with_the_body_already_sent_still_closes) {
  RunningServer server;
  Client client(server.port());
  client.send("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789" +
              std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 401u);
  BOOST_TEST(!response->keep_alive());
  BOOST_TEST(client.closed_by_server(3s));  // the unread body is never taken for a request
  BOOST_TEST(server.handler().calls == 0);
}

BOOST_AUTO_TEST_CASE(precheck_refusal_without_a_body_keeps_the_connection) {
  RunningServer server;
  Client client(server.port());
  client.send(get("/refuse"));
  const auto refused = client.read_response();
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->result_int() == 401u);
  BOOST_TEST(refused->keep_alive());
  client.send(get("/"));  // same connection
  const auto served = client.read_response();
  BOOST_REQUIRE(served.has_value());
  BOOST_TEST(served->body() == "hello");
  BOOST_TEST(server.precheck().calls == 2);
  BOOST_TEST(server.handler().calls == 1);
}

BOOST_AUTO_TEST_CASE(precheck_passing_lets_100_continue_and_the_body_through) {
  RunningServer server;
  Client client(server.port());
  client.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  const auto interim = client.read_interim();
  BOOST_REQUIRE(interim.has_value());
  BOOST_TEST(interim->result_int() == 100u);
  client.send("hello");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->body() == "hello");
  BOOST_TEST(server.precheck().calls == 1);
}

BOOST_AUTO_TEST_CASE(precheck_exception_is_500) {
  RunningServer server;
  Client client(server.port());
  client.send("POST /precheck-throws HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 500u);
  BOOST_TEST(response->body() == "{\"message\":\"internal server error\"}");
  BOOST_TEST(client.closed_by_server(3s));
  BOOST_TEST(server.handler().calls == 0);
}

BOOST_AUTO_TEST_CASE(body_budget_answers_503_when_exhausted_and_recovers) {
  relay::http::BodyLimits limits;
  limits.max_inflight_body_bytes = 1000;
  RunningServer server(test_settings(), limits);

  // The first upload has sent 800 of its 1000 bytes and holds them while its client waits.
  Client holder(server.port());
  holder.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" +
              std::string(800, 'h'));
  BOOST_REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 800; }));

  Client refused(server.port());
  refused.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 500\r\n\r\n");
  const auto busy = refused.read_response();  // the 503 comes instead of 100 Continue
  BOOST_REQUIRE(busy.has_value());
  BOOST_TEST(busy->result_int() == 503u);
  BOOST_TEST((*busy)[bhttp::field::retry_after] == "1");
  BOOST_TEST(busy->body() == "{\"message\":\"server busy, retry later\"}");
  BOOST_TEST(!busy->keep_alive());
  BOOST_TEST(refused.closed_by_server(3s));

  // A chunked body needs room for its first read too (up to body_limit).
  Client chunked(server.port());
  chunked.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
  const auto chunked_busy = chunked.read_response();
  BOOST_REQUIRE(chunked_busy.has_value());
  BOOST_TEST(chunked_busy->result_int() == 503u);

  // Requests without a body need no budget.
  Client bodiless(server.port());
  bodiless.send(get("/"));
  const auto served = bodiless.read_response();
  BOOST_REQUIRE(served.has_value());
  BOOST_TEST(served->result_int() == 200u);

  holder.send(std::string(200, 'h'));
  const auto echoed = holder.read_response();
  BOOST_REQUIRE(echoed.has_value());
  BOOST_TEST(echoed->body() == std::string(800, 'h') + std::string(200, 'h'));
  BOOST_REQUIRE(eventually([&] { return server.server().inflight_body_bytes() == 0; }));

  Client after(server.port());
  Request echo{bhttp::verb::post, "/echo", 11};
  echo.body() = std::string(500, 'a');
  after.send(echo);
  const auto recovered = after.read_response();
  BOOST_REQUIRE(recovered.has_value());
  BOOST_TEST(recovered->result_int() == 200u);
  BOOST_TEST(recovered->body().size() == 500u);
  BOOST_TEST(eventually([&] { return server.server().inflight_body_bytes() == 0; }));
}

BOOST_AUTO_TEST_CASE(body_trickled_below_the_minimum_rate_is_cut_off) {
  auto settings = test_settings();
  settings.read_timeout = 2s;
  relay::http::BodyLimits limits;
  limits.rate_grace = 1s;  // 64 KiB/s after 1 s: a byte every 150 ms falls behind at once
  RunningServer server(settings, limits);
  Client client(server.port());
  client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
  const auto start = std::chrono::steady_clock::now();
  // One byte every 150 ms: never silent for read_timeout, but far below the minimum rate. Once the
  // server has closed, a write fails (the first one after the close may still succeed).
  bool cut_off = false;
  for (int sent = 0; sent < 100 && std::chrono::steady_clock::now() - start < 4s; ++sent) {
    try {
      client.send("x");
    } catch (const boost::system::system_error&) {
      cut_off = true;
      break;
    }
    std::this_thread::sleep_for(150ms);
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST(cut_off);
  BOOST_TEST(elapsed >= 900ms);
  BOOST_TEST(elapsed < 2500ms);
  BOOST_TEST(server.handler().calls == 0);
  BOOST_TEST(eventually([&] { return server.server().active_connections() == 0; }));
  BOOST_TEST(server.server().inflight_body_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(body_slower_than_read_timeout_but_above_the_minimum_rate_is_served) {
  auto settings = test_settings();
  settings.read_timeout = 1s;
  relay::http::BodyLimits limits;
  limits.min_body_bytes_per_second = 40;  // 100 bytes may take 2.5 s
  RunningServer server(settings, limits);
  Client client(server.port());
  client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
  for (int i = 0; i < 10; ++i) {  // 10 bytes every 150 ms: about 1.5 s in all
    std::this_thread::sleep_for(150ms);
    client.send(std::string(10, static_cast<char>('0' + i)));
  }
  const auto response = client.read_response();
  BOOST_REQUIRE(response.has_value());
  BOOST_TEST(response->result_int() == 200u);
  BOOST_TEST(response->body().size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_body_budget)

BOOST_AUTO_TEST_CASE(reservations_are_all_or_nothing_and_released_on_destruction) {
  relay::http::BodyBudget budget(100, 100);
  {
    relay::http::BodyReservation first(budget, "a");
    BOOST_TEST(first.grow_to(60));
    BOOST_TEST(budget.used() == 60u);
    relay::http::BodyReservation second(budget, "b");
    BOOST_TEST(!second.grow_to(50));  // does not fit: nothing taken
    BOOST_TEST(second.held() == 0u);
    BOOST_TEST(budget.used() == 60u);
    BOOST_TEST(second.grow_to(40));
    BOOST_TEST(first.grow_to(30));  // shrinking is a no-op
    BOOST_TEST(first.held() == 60u);
    BOOST_TEST(budget.used() == 100u);
    BOOST_TEST(!first.grow_to(61));
  }
  BOOST_TEST(budget.used() == 0u);
  BOOST_TEST(!budget.try_reserve("a", 101));
  BOOST_TEST(!budget.try_reserve("a", std::numeric_limits<std::size_t>::max()));
  BOOST_TEST(budget.try_reserve("a", 100));
  budget.release("a", 100);
  BOOST_TEST(budget.used_by("a") == 0u);
}

BOOST_AUTO_TEST_CASE(one_client_holds_at_most_its_share) {
  relay::http::BodyBudget budget(1000, 300);
  relay::http::BodyReservation a1(budget, "203.0.113.7");
  relay::http::BodyReservation a2(budget, "203.0.113.7");
  relay::http::BodyReservation b(budget, "198.51.100.1");
  BOOST_TEST(a1.grow_to(200));
  BOOST_TEST(!a2.grow_to(101));  // 301 for one client
  BOOST_TEST(a2.grow_to(100));
  BOOST_TEST(budget.used_by("203.0.113.7") == 300u);
  BOOST_TEST(b.grow_to(300));  // another client still has its share
  BOOST_TEST(budget.used() == 600u);
}

BOOST_AUTO_TEST_CASE(concurrent_reservations_never_overshoot) {
  relay::http::BodyBudget budget(1000, 1000);
  std::atomic<std::size_t> peak{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string client = "client-" + std::to_string(t % 2);
      for (int i = 0; i < 20000; ++i) {
        if (!budget.try_reserve(client, 300)) continue;
        std::size_t seen = budget.used();
        std::size_t previous = peak.load();
        while (seen > previous && !peak.compare_exchange_weak(previous, seen)) {
        }
        budget.release(client, 300);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(peak.load() <= 900u);
  BOOST_TEST(budget.used() == 0u);
}

BOOST_AUTO_TEST_CASE(rate_deadline_is_grace_plus_received_over_rate) {
  using relay::http::body_rate_deadline;
  const auto start = std::chrono::steady_clock::time_point{} + 1h;
  const auto after = [&](std::chrono::seconds grace, std::uint64_t received, std::size_t rate) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               body_rate_deadline(start, grace, received, rate) - start)
        .count();
  };
  BOOST_TEST(after(5s, 0, 64 * 1024) == 5000);
  BOOST_TEST(after(5s, 64 * 1024, 64 * 1024) == 6000);
  BOOST_TEST(after(0s, 96 * 1024, 64 * 1024) == 1500);
  BOOST_TEST(after(1s, 100, 40) == 3500);
  BOOST_TEST(after(1s, std::numeric_limits<std::uint64_t>::max(), 1) > 86'400'000);
  // No minimum rate: no deadline.
  BOOST_TEST((body_rate_deadline(start, 1s, 1'000'000, 0) ==
              std::chrono::steady_clock::time_point::max()));
}

BOOST_AUTO_TEST_SUITE_END()
