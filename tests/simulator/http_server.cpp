// Accept loop and per-connection loop: read header (16 KiB, 30 s), refuse oversized bodies with
// 413, read the body, call the handler, write or drop; keep-alive until the client closes.
#include "tests/simulator/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>

#include <atomic>
#include <exception>

#include "gateway/log/log.hpp"

namespace relay::sim {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

Response plain(http::status status, std::string_view text, unsigned version) {
  Response response{status, version};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(text);
  return response;
}

asio::awaitable<void> write_and_close(beast::tcp_stream& stream, Response response,
                                      const ServerLimits& limits) {
  response.set(http::field::server, "metriport-sim");
  response.keep_alive(false);
  response.prepare_payload();
  stream.expires_after(limits.write_timeout);
  co_await http::async_write(stream, response, use_tuple);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
}

}  // namespace

struct HttpServer::Shared {
  Handler handler;
  BodyLimit body_limit;
  ServerLimits limits;
  std::atomic<bool> stopped{false};
};

namespace {

asio::awaitable<void> serve(std::shared_ptr<HttpServer::Shared> shared, tcp::socket socket) {
  const ServerLimits& limits = shared->limits;
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  bool first = true;
  while (!shared->stopped) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(limits.header_limit_bytes);
    parser.body_limit(boost::none);
    stream.expires_after(first ? limits.read_timeout : limits.keep_alive_timeout);
    first = false;
    auto [header_error, header_bytes] =
        co_await http::async_read_header(stream, buffer, parser, use_tuple);
    if (header_error) {
      if (header_error == http::error::header_limit) {
        co_await write_and_close(
            stream, plain(http::status::request_header_fields_too_large, "header too large", 11),
            limits);
      } else if (header_error.category() ==
                     http::make_error_code(http::error::bad_method).category() &&
                 header_error != http::error::end_of_stream &&
                 header_error != http::error::partial_message) {
        co_await write_and_close(stream, plain(http::status::bad_request, "malformed request", 11),
                                 limits);
      }
      co_return;
    }
    const unsigned version = parser.get().version();
    const std::size_t body_limit = shared->body_limit(parser.get().target());
    if (const auto length = parser.content_length(); length && *length > body_limit) {
      co_await write_and_close(
          stream, plain(http::status::payload_too_large, "request body too large", version),
          limits);
      co_return;
    }
    parser.body_limit(body_limit);
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> interim{http::status::continue_, 11};
      stream.expires_after(limits.write_timeout);
      if (auto [ec, n] = co_await http::async_write(stream, interim, use_tuple); ec) co_return;
    }
    while (!parser.is_done()) {
      stream.expires_after(limits.read_timeout);
      auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, use_tuple);
      if (ec == http::error::body_limit) {
        co_await write_and_close(
            stream, plain(http::status::payload_too_large, "request body too large", version),
            limits);
        co_return;
      }
      if (ec) co_return;
    }

    Request request = parser.release();
    Reply reply;
    try {
      reply = co_await shared->handler(request);
    } catch (const std::exception& error) {
      log::error("sim.handler_failed", {{"reason", error.what()}});
      reply.response = plain(http::status::internal_server_error, "internal error", version);
    }
    if (!reply.response) {
      // The simulated ambiguous failure: the request was taken, no answer is ever written.
      stream.close();
      co_return;
    }
    Response& response = *reply.response;
    response.version(version);
    response.set(http::field::server, "metriport-sim");
    response.keep_alive(request.keep_alive() && !shared->stopped);
    response.prepare_payload();
    stream.expires_after(limits.write_timeout);
    if (auto [ec, n] = co_await http::async_write(stream, response, use_tuple); ec) co_return;
    if (response.need_eof()) {
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return;
    }
  }
}

asio::awaitable<void> accept_loop(std::shared_ptr<HttpServer::Shared> shared,
                                  tcp::acceptor& acceptor, asio::io_context& io) {
  while (!shared->stopped) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), use_tuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || shared->stopped) co_return;
      log::warn("sim.accept_failed", {{"reason", ec.message()}});
      continue;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(shared, std::move(socket)), asio::detached);
  }
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, const std::string& host, std::uint16_t port,
                       Handler handler, BodyLimit body_limit, ServerLimits limits)
    : io_(io), acceptor_(io), shared_(std::make_shared<Shared>()) {
  shared_->handler = std::move(handler);
  shared_->body_limit = std::move(body_limit);
  shared_->limits = limits;
  const tcp::endpoint endpoint(asio::ip::make_address(host), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

HttpServer::~HttpServer() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void HttpServer::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(shared_, acceptor_, io_), asio::detached);
}

void HttpServer::stop() {
  shared_->stopped = true;
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
}

}  // namespace relay::sim
