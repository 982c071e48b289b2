// Tests for gateway/http/server: a real Server on 127.0.0.1 (port 0, two io threads) driven by a
// small Beast client whose every operation has a deadline, so no test can hang.
#include "gateway/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using relay::http::Request;
using relay::http::Response;

// Waits until the condition holds or the deadline passes; returns the final value.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds deadline = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// The handler under test: "/" answers hello, "/echo" the body, "/throw" throws, "/slow" waits.
struct Handler {
  std::atomic<int> slow_started{0};
  std::chrono::milliseconds slow_delay{600};

  asio::awaitable<Response> operator()(Request& request) {
    Response response{bhttp::status::ok, request.version()};
    response.set(bhttp::field::content_type, "text/plain");
    response.set("X-Test", "kept");
    const std::string target(request.target());
    if (target == "/throw") throw std::runtime_error("handler exploded");
    if (target == "/slow") {
      ++slow_started;
      asio::steady_timer timer(co_await asio::this_coro::executor, slow_delay);
      co_await timer.async_wait(asio::use_awaitable);
      response.body() = "slow done";
    } else if (target == "/echo") {
      response.body() = request.body();
    } else {
      response.body() = "hello";
    }
    co_return response;
  }
};

Response error_response(bhttp::status status, std::string_view reason, unsigned version) {
  Response response{status, version};
  response.set(bhttp::field::content_type, "application/json; charset=utf-8");
  response.body() = "{\"message\":\"" + std::string(reason) + "\"}";
  return response;
}

relay::config::HttpSettings test_settings() {
  relay::config::HttpSettings settings;
  settings.listen_host = "127.0.0.1";
  settings.listen_port = 0;
  settings.threads = 2;
  settings.header_limit_bytes = 2048;
  settings.body_limit_bytes = 1024;
  settings.read_timeout = 5s;
  settings.write_timeout = 5s;
  settings.keep_alive_timeout = 5s;
  settings.max_connections = 16;
  settings.shutdown_grace = 5s;
  return settings;
}

// A Server on its own io_context with two threads; shut down and joined on destruction.
class RunningServer {
 public:
  explicit RunningServer(relay::config::HttpSettings settings = test_settings())
      : handler_(std::make_shared<Handler>()),
        server_(
            io_, settings, [h = handler_](Request& r) { return (*h)(r); }, error_response) {
    server_.start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~RunningServer() {
    std::promise<void> drained;
    server_.begin_shutdown([&drained] { drained.set_value(); });
    drained.get_future().wait_for(10s);
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }
  relay::http::Server& server() { return server_; }
  Handler& handler() { return *handler_; }
  std::uint16_t port() { return server_.port(); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::shared_ptr<Handler> handler_;
  relay::http::Server server_;
  std::vector<std::thread> threads_;
};

// A blocking client: each call runs its own io_context until the operation completes or the
// stream's deadline (default 5 s) expires.
class Client {
 public:
  explicit Client(std::uint16_t port, std::chrono::seconds deadline = 5s) : deadline_(deadline) {
    stream_.expires_after(deadline_);
    boost::system::error_code result;
    stream_.async_connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [&](boost::system::error_code ec) { result = ec; });
    run();
    if (result) throw boost::system::system_error(result, "connect");
  }

  void send(std::string_view bytes) {
    stream_.expires_after(deadline_);
    boost::system::error_code result;
    asio::async_write(stream_, asio::buffer(bytes),
                      [&](boost::system::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) throw boost::system::system_error(result, "send");
  }

  void send(Request request) {
    request.prepare_payload();
    stream_.expires_after(deadline_);
    boost::system::error_code result;
    bhttp::async_write(stream_, request,
                       [&](boost::system::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) throw boost::system::system_error(result, "send");
  }

  std::optional<Response> read_response() {
    Response response;
    stream_.expires_after(deadline_);
    boost::system::error_code result;
    bhttp::async_read(stream_, buffer_, response,
                      [&](boost::system::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) return std::nullopt;
    return response;
  }

  // Reads an interim (1xx) answer head such as "100 Continue"; nullopt when none arrives.
  std::optional<bhttp::response<bhttp::empty_body>> read_interim() {
    bhttp::response<bhttp::empty_body> interim;
    stream_.expires_after(deadline_);
    boost::system::error_code result;
    bhttp::async_read(stream_, buffer_, interim,
                      [&](boost::system::error_code ec, std::size_t) { result = ec; });
    run();
    if (result) return std::nullopt;
    return interim;
  }

  // True when the server closes the connection (EOF or reset) before the deadline.
  bool closed_by_server(std::chrono::seconds deadline) {
    stream_.expires_after(deadline);
    boost::system::error_code result;
    char byte;
    stream_.async_read_some(asio::buffer(&byte, 1),
                            [&](boost::system::error_code ec, std::size_t) { result = ec; });
    run();
    return result && result != beast::error::timeout;
  }

  void close() { stream_.close(); }

 private:
  void run() {
    io_.restart();
    io_.run();
  }

  std::chrono::seconds deadline_;
  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
};

relay::http::RequestHandler plain_handler() {
  return [handler = std::make_shared<Handler>()](Request& r) { return (*handler)(r); };
}

Request get(std::string target) {
  Request request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  return request;
}
}  // namespace

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

BOOST_AUTO_TEST_CASE(over_the_connection_cap_gets_503) {
  auto settings = test_settings();
  settings.max_connections = 2;
  RunningServer server(settings);
  auto first = std::make_unique<Client>(server.port());
  Client second(server.port());
  BOOST_REQUIRE(eventually([&] { return server.server().active_connections() == 2; }));

  Client third(server.port());
  third.send(get("/"));
  const auto refused = third.read_response();
  BOOST_REQUIRE(refused.has_value());
  BOOST_TEST(refused->result_int() == 503u);
  BOOST_TEST(refused->body() == "{\"message\":\"too many connections\"}");
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

BOOST_AUTO_TEST_CASE(read_timeout_closes_a_silent_connection) {
  auto settings = test_settings();
  settings.read_timeout = 1s;
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
      io, settings, [handler](Request& r) { return (*handler)(r); }, error_response);
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
      io, settings, [handler](Request& r) { return (*handler)(r); }, error_response);
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
  relay::http::Server server(io, test_settings(), plain_handler(), error_response);
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
  relay::http::Server second(io, settings, plain_handler(), error_response);
  BOOST_CHECK_THROW(second.start(), std::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
