// The scripted test server: one io_context thread, a coroutine per connection, Beast parsing.
// Records every request and the SNI name each TLS client sent.
#include "test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace relay::metriport::test_support {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

struct TestServer::Impl {
  ServerHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::optional<ssl::context> tls;
  std::thread thread;
  std::atomic<int> connections{0};
  std::atomic<int> handshake_failures{0};
  mutable std::mutex mutex;
  std::vector<ServerRequest> requests;
  std::vector<std::string> server_names;

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, int connection) {
    beast::flat_buffer buffer;
    for (int index = 1;; ++index) {
      bhttp::request<bhttp::string_body> request;
      auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, request, use_tuple);
      if (read_ec) co_return;
      ServerRequest seen;
      seen.method = std::string(request.method_string());
      seen.target = std::string(request.target());
      seen.body = request.body();
      seen.headers = static_cast<const bhttp::fields&>(request);
      seen.connection = connection;
      seen.request_on_connection = index;
      {
        std::lock_guard lock(mutex);
        requests.push_back(seen);
      }
      const ServerReply reply = handler(seen);
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(io, reply.delay);
        co_await timer.async_wait(use_tuple);
      }
      using Action = ServerReply::Action;
      if (reply.action == Action::drop) co_return;
      if (reply.action == Action::hang) {
        asio::steady_timer timer(io, std::chrono::seconds(30));
        co_await timer.async_wait(use_tuple);
        co_return;
      }
      bhttp::response<bhttp::string_body> response{static_cast<bhttp::status>(reply.status), 11};
      for (const auto& [name, value] : reply.headers) response.set(name, value);
      response.body() = reply.body;
      response.keep_alive(true);
      response.prepare_payload();
      auto [write_ec, written] = co_await bhttp::async_write(stream, response, use_tuple);
      if (write_ec || reply.action == Action::answer_then_close) co_return;
    }
  }

  asio::awaitable<void> session(tcp::socket socket, int connection) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, connection);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls);
    auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (ec) {
      ++handshake_failures;
      co_return;
    }
    const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    {
      std::lock_guard lock(mutex);
      server_names.emplace_back(name != nullptr ? name : "");
    }
    co_await serve(stream, connection);
  }

  asio::awaitable<void> accept_loop() {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec) co_return;
      const int connection = ++connections;
      asio::co_spawn(io, session(std::move(socket), connection), asio::detached);
    }
  }
};

TestServer::TestServer(ServerHandler handler, std::optional<SelfSignedCert> cert)
    : impl_(std::make_shared<Impl>()) {
  impl_->handler = std::move(handler);
  if (cert) {
    impl_->tls.emplace(ssl::context::tls_server);
    impl_->tls->use_certificate_chain(asio::buffer(cert->cert_pem));
    impl_->tls->use_private_key(asio::buffer(cert->key_pem), ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

TestServer::~TestServer() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short TestServer::port() const {
  return impl_->acceptor.local_endpoint().port();
}

std::string TestServer::origin(const std::string& host) const {
  return std::string(impl_->tls ? "https://" : "http://") + host + ":" + std::to_string(port());
}

int TestServer::connections() const {
  return impl_->connections;
}
int TestServer::handshake_failures() const {
  return impl_->handshake_failures;
}

std::vector<ServerRequest> TestServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::vector<std::string> TestServer::server_names() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->server_names;
}

}  // namespace relay::metriport::test_support
