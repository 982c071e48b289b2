// Tests for adapters/metriport/http_client (with connection and connection_pool) against an
// in-process server: keep-alive reuse, stale connections, the per-host cap, timeouts and drops.
#include "adapters/metriport/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <thread>
#include <vector>

#include "adapters/metriport/classification.hpp"
#include "client_runner.hpp"
#include "test_server.hpp"

namespace {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using relay::metriport::CallOutcome;
using relay::metriport::ExchangeResult;
using relay::metriport::HttpAnswer;
using relay::metriport::HttpClient;
using relay::metriport::HttpClientSettings;
using relay::metriport::HttpRequest;
using relay::metriport::TransportFailure;
using relay::metriport::test_support::ClientRunner;
using relay::metriport::test_support::ServerReply;
using relay::metriport::test_support::ServerRequest;
using relay::metriport::test_support::TestServer;
using Action = ServerReply::Action;

HttpClientSettings fast_settings() {
  HttpClientSettings settings;
  settings.connect_timeout = 300ms;
  return settings;
}

HttpRequest request_to(const std::string& url, bhttp::verb method = bhttp::verb::get,
                       std::chrono::milliseconds timeout = 2s) {
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.timeout = timeout;
  if (method == bhttp::verb::post) request.body = R"({"a":1})";
  return request;
}

// Runs one exchange on `client` and classifies it.
struct Outcome {
  ExchangeResult result;
  CallOutcome outcome;
  std::string reason;
  int status() const {
    return std::holds_alternative<HttpAnswer>(result) ? std::get<HttpAnswer>(result).status : 0;
  }
};

Outcome exchange(ClientRunner& runner, HttpClient& client, HttpRequest request) {
  ExchangeResult result = runner.run(
      [&client, request]() -> asio::awaitable<ExchangeResult> {
        co_return co_await client.exchange(request);
      },
      5s);
  const bool idempotent = relay::metriport::is_idempotent(request.method);
  auto classification =
      std::holds_alternative<HttpAnswer>(result)
          ? relay::metriport::classify_answer(std::get<HttpAnswer>(result), idempotent,
                                              std::chrono::system_clock::now())
          : relay::metriport::classify_failure(std::get<TransportFailure>(result), idempotent);
  return Outcome{std::move(result), classification.outcome, classification.reason};
}

ServerReply ok(const ServerRequest&) {
  return ServerReply::json(200, R"({"ok":true})");
}
}  // namespace

BOOST_AUTO_TEST_SUITE(metriport_http_client)

BOOST_AUTO_TEST_CASE(keep_alive_connection_is_reused) {
  TestServer server(ok);
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  for (int i = 0; i < 3; ++i) {
    const auto result = exchange(runner, client, request_to(server.origin() + "/x?i=1"));
    BOOST_TEST(result.status() == 200);
    BOOST_TEST(std::get<HttpAnswer>(result.result).body == R"({"ok":true})");
  }
  BOOST_TEST(server.connections() == 1);
  const auto requests = server.requests();
  BOOST_REQUIRE(requests.size() == 3u);
  BOOST_TEST(requests[2].request_on_connection == 3);
  BOOST_TEST(requests[0].target == "/x?i=1");
  BOOST_TEST(requests[0].headers[bhttp::field::user_agent] == "relay-gateway");
  BOOST_TEST(requests[0].headers[bhttp::field::host] ==
             "127.0.0.1:" + std::to_string(server.port()));
}

BOOST_AUTO_TEST_CASE(connection_closed_by_server_is_not_reused) {
  TestServer server([](const ServerRequest&) {
    auto reply = ServerReply::json(200, "{}");
    reply.action = Action::answer_then_close;
    return reply;
  });
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  BOOST_TEST(exchange(runner, client, request_to(server.origin() + "/a")).status() == 200);
  std::this_thread::sleep_for(50ms);  // the server's FIN arrives
  // A POST too: the dead connection is noticed before anything is written, so no ambiguity.
  const auto second =
      exchange(runner, client, request_to(server.origin() + "/b", bhttp::verb::post));
  BOOST_TEST(second.status() == 200);
  BOOST_TEST(server.connections() == 2);
  BOOST_TEST(server.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(stale_connection_retried_once_for_get) {
  // The second request on the first connection is read and dropped: the keep-alive race.
  TestServer server([](const ServerRequest& request) {
    if (request.connection == 1 && request.request_on_connection == 2) {
      return ServerReply::with(Action::drop);
    }
    return ServerReply::json(200, "{}");
  });
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  BOOST_TEST(exchange(runner, client, request_to(server.origin() + "/a")).status() == 200);
  const auto second = exchange(runner, client, request_to(server.origin() + "/b"));
  BOOST_TEST(second.status() == 200);
  BOOST_TEST(server.connections() == 2);
  BOOST_TEST(server.requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(stale_connection_not_retried_for_post) {
  TestServer server([](const ServerRequest& request) {
    if (request.connection == 1 && request.request_on_connection == 2) {
      return ServerReply::with(Action::drop);
    }
    return ServerReply::json(200, "{}");
  });
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  BOOST_TEST(exchange(runner, client, request_to(server.origin() + "/a")).status() == 200);
  const auto second =
      exchange(runner, client, request_to(server.origin() + "/b", bhttp::verb::post));
  BOOST_TEST((second.outcome == CallOutcome::ambiguous));
  BOOST_TEST(second.reason.find("reused connection") != std::string::npos);
  BOOST_TEST(server.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(idle_timeout_closes_pooled_connections) {
  TestServer server(ok);
  ClientRunner runner;
  auto settings = fast_settings();
  settings.idle_timeout = 50ms;
  HttpClient client(runner.executor(), settings);
  BOOST_TEST(exchange(runner, client, request_to(server.origin() + "/a")).status() == 200);
  std::this_thread::sleep_for(100ms);
  BOOST_TEST(exchange(runner, client, request_to(server.origin() + "/b")).status() == 200);
  BOOST_TEST(server.connections() == 2);
}

BOOST_AUTO_TEST_CASE(per_host_cap_makes_callers_wait) {
  TestServer server([](const ServerRequest&) {
    auto reply = ServerReply::json(200, "{}");
    reply.delay = 40ms;
    return reply;
  });
  ClientRunner runner;
  auto settings = fast_settings();
  settings.max_connections_per_host = 2;
  HttpClient client(runner.executor(), settings);
  const std::string url = server.origin() + "/c";
  // Six exchanges at once; the pool lets two run, the others wait for a released connection.
  std::vector<std::future<ExchangeResult>> futures;
  for (int i = 0; i < 6; ++i) {
    futures.push_back(asio::co_spawn(
        runner.executor(),
        [&client, url]() -> asio::awaitable<ExchangeResult> {
          co_return co_await client.exchange(request_to(url));
        },
        asio::use_future));
  }
  for (auto& future : futures) {
    BOOST_REQUIRE(future.wait_for(3s) == std::future_status::ready);
    BOOST_TEST(std::holds_alternative<HttpAnswer>(future.get()));
  }
  BOOST_TEST(server.connections() == 2);
  BOOST_TEST(server.requests().size() == 6u);
}

BOOST_AUTO_TEST_CASE(pool_wait_gives_up_at_the_deadline) {
  TestServer server([](const ServerRequest&) {
    auto reply = ServerReply::json(200, "{}");
    reply.delay = 400ms;
    return reply;
  });
  ClientRunner runner;
  auto settings = fast_settings();
  settings.max_connections_per_host = 1;
  HttpClient client(runner.executor(), settings);
  const std::string url = server.origin() + "/slow";
  auto first = asio::co_spawn(
      runner.executor(),
      [&client, url]() -> asio::awaitable<ExchangeResult> {
        co_return co_await client.exchange(request_to(url));
      },
      asio::use_future);
  std::this_thread::sleep_for(50ms);
  const auto second = exchange(runner, client, request_to(url, bhttp::verb::post, 100ms));
  BOOST_TEST((second.outcome == CallOutcome::transient));
  BOOST_TEST(second.reason == "waiting for a connection timed out");
  BOOST_REQUIRE(first.wait_for(3s) == std::future_status::ready);
  BOOST_TEST(std::holds_alternative<HttpAnswer>(first.get()));
}

BOOST_AUTO_TEST_CASE(refused_connection_is_transient) {
  unsigned short port = 0;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  const auto result =
      exchange(runner, client,
               request_to("http://127.0.0.1:" + std::to_string(port) + "/x", bhttp::verb::post));
  BOOST_TEST((result.outcome == CallOutcome::transient));
  BOOST_TEST(result.reason.starts_with("connect failed"));
}

BOOST_AUTO_TEST_CASE(unresolvable_host_is_transient) {
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  const auto result =
      exchange(runner, client, request_to("http://no-such-host.invalid/x", bhttp::verb::post));
  BOOST_TEST((result.outcome == CallOutcome::transient));
  BOOST_TEST(result.reason.starts_with("DNS resolution"));
}

BOOST_AUTO_TEST_CASE(connect_timeout_when_the_handshake_never_completes) {
  // A listening socket nobody serves: TCP connects (the kernel queues it), TLS never answers.
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  const auto started = std::chrono::steady_clock::now();
  const auto result = exchange(
      runner, client,
      request_to("https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/x",
                 bhttp::verb::post));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  BOOST_TEST((result.outcome == CallOutcome::transient));
  BOOST_TEST(result.reason == "TLS handshake timed out");
  BOOST_TEST(elapsed < 1500ms);
}

BOOST_AUTO_TEST_CASE(connect_timeout_when_the_accept_queue_is_full) {
  // listen(0) and nobody accepts: once the kernel's queue is full, further SYNs go unanswered.
  asio::io_context io;
  asio::ip::tcp::acceptor full(io);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  full.open(endpoint.protocol());
  full.bind(endpoint);
  full.listen(0);
  std::vector<std::unique_ptr<asio::ip::tcp::socket>> fillers;
  for (int i = 0; i < 4; ++i) {
    auto socket = std::make_unique<asio::ip::tcp::socket>(io);
    socket->async_connect(full.local_endpoint(), [](const boost::system::error_code&) {});
    fillers.push_back(std::move(socket));
  }
  io.run_for(100ms);
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  const auto started = std::chrono::steady_clock::now();
  const auto result =
      exchange(runner, client,
               request_to("http://127.0.0.1:" + std::to_string(full.local_endpoint().port()) + "/x",
                          bhttp::verb::post));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  BOOST_TEST((result.outcome == CallOutcome::transient));
  BOOST_TEST(result.reason == "connect timed out");
  BOOST_TEST(elapsed < 1500ms);
}

BOOST_AUTO_TEST_CASE(request_timeout_is_ambiguous_for_post_transient_for_get) {
  TestServer server([](const ServerRequest&) { return ServerReply::with(Action::hang); });
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  const auto post =
      exchange(runner, client, request_to(server.origin() + "/p", bhttp::verb::post, 300ms));
  BOOST_TEST((post.outcome == CallOutcome::ambiguous));
  BOOST_TEST(post.reason == "reading the answer timed out");
  const auto get =
      exchange(runner, client, request_to(server.origin() + "/g", bhttp::verb::get, 300ms));
  BOOST_TEST((get.outcome == CallOutcome::transient));
}

BOOST_AUTO_TEST_CASE(drop_after_reading_the_request) {
  TestServer server([](const ServerRequest&) { return ServerReply::with(Action::drop); });
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  const auto post = exchange(runner, client, request_to(server.origin() + "/p", bhttp::verb::post));
  BOOST_TEST((post.outcome == CallOutcome::ambiguous));
  BOOST_TEST(post.reason.starts_with("reading the answer failed"));
  const auto get = exchange(runner, client, request_to(server.origin() + "/g"));
  BOOST_TEST((get.outcome == CallOutcome::transient));
  // Neither is retried: both ran on fresh connections.
  BOOST_TEST(server.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(answer_over_the_limit) {
  TestServer server(
      [](const ServerRequest&) { return ServerReply::json(200, std::string(5000, 'x')); });
  ClientRunner runner;
  auto settings = fast_settings();
  settings.max_answer_bytes = 1000;
  HttpClient client(runner.executor(), settings);
  const auto get = exchange(runner, client, request_to(server.origin() + "/g"));
  BOOST_TEST((get.outcome == CallOutcome::permanent));
  BOOST_TEST(get.reason.starts_with("reading the answer: answer too large"));
  const auto post = exchange(runner, client, request_to(server.origin() + "/p", bhttp::verb::post));
  BOOST_TEST((post.outcome == CallOutcome::ambiguous));
}

BOOST_AUTO_TEST_CASE(invalid_urls_and_headers_are_refused_before_sending) {
  ClientRunner runner;
  HttpClient client(runner.executor(), fast_settings());
  const auto bad_url = exchange(runner, client, request_to("ftp://127.0.0.1/x"));
  BOOST_TEST((bad_url.outcome == CallOutcome::permanent));
  BOOST_TEST(bad_url.reason == "invalid request: not an absolute http(s) URL");
  auto injected = request_to("http://127.0.0.1:1/x");
  injected.headers.emplace_back("Content-Type", "text/plain\r\nX-Evil: 1");
  const auto refused = exchange(runner, client, injected);
  BOOST_TEST((refused.outcome == CallOutcome::permanent));
  BOOST_TEST(refused.reason == "invalid request: header with an empty name or a line break");
}

BOOST_AUTO_TEST_SUITE_END()
