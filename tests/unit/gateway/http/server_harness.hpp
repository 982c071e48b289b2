// What the HTTP server's unit tests share: a real Server on 127.0.0.1 with a test handler and
// precheck, and a small Beast client whose every operation has a deadline, so no test can hang.
#pragma once

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

#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace relay::http_test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using relay::http::Request;
using relay::http::Response;

// Waits until the condition holds or the deadline passes; returns the final value.
template <class Condition>
inline bool eventually(Condition condition, std::chrono::milliseconds deadline = 5000ms) {
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
  std::atomic<int> calls{0};
  std::chrono::milliseconds slow_delay{600};

  asio::awaitable<Response> operator()(Request& request) {
    ++calls;
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

inline Response error_response(bhttp::status status, std::string_view reason, unsigned version) {
  Response response{status, version};
  response.set(bhttp::field::content_type, "application/json; charset=utf-8");
  response.body() = "{\"message\":\"" + std::string(reason) + "\"}";
  return response;
}

inline relay::config::HttpSettings test_settings() {
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

// The precheck under test: "/refuse..." is answered 401 on the header alone; "/precheck-throws"
// throws. It records whether it ever saw a body byte (it must not).
struct Precheck {
  std::atomic<int> calls{0};

  std::optional<Response> operator()(const relay::http::RequestHeader& header) {
    ++calls;
    const std::string target(header.target());
    if (target == "/precheck-throws") throw std::runtime_error("precheck exploded");
    if (target.rfind("/refuse", 0) != 0) return std::nullopt;
    Response response{bhttp::status::unauthorized, header.version()};
    response.set(bhttp::field::content_type, "text/plain");
    response.body() = "refused";
    return response;
  }
};

// A Server on its own io_context with two threads; shut down and joined on destruction.
class RunningServer {
 public:
  explicit RunningServer(relay::config::HttpSettings settings = test_settings(),
                         relay::http::BodyLimits body_limits = {},
                         relay::http::TransportHints hints = {})
      : handler_(std::make_shared<Handler>()),
        precheck_(std::make_shared<Precheck>()),
        server_(
            io_, settings, [h = handler_](Request& r) { return (*h)(r); }, error_response,
            [p = precheck_](const relay::http::RequestHeader& h) { return (*p)(h); }, body_limits,
            std::move(hints)) {
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
  Precheck& precheck() { return *precheck_; }
  std::uint16_t port() { return server_.port(); }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::shared_ptr<Handler> handler_;
  std::shared_ptr<Precheck> precheck_;
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
    if (request.find(bhttp::field::host) == request.end()) request.set(bhttp::field::host, "x");
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

  // True when the server closes the connection (EOF or reset) before the deadline. A timeout
  // closes the client's stream too: only for the end of a test.
  bool closed_by_server(std::chrono::milliseconds deadline) {
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

inline relay::http::RequestHandler plain_handler() {
  return [handler = std::make_shared<Handler>()](Request& r) { return (*handler)(r); };
}

inline Request get(std::string target) {
  Request request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  return request;
}
}  // namespace relay::http_test
