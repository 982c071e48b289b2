// TcpProxy on Boost.Asio: one io_context on one thread owns the listener and every connection;
// the public calls post their change to that thread and wait for it, so each returns once done.
#include "tests/support/tcp_proxy.hpp"

#include <array>
#include <atomic>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace relay::testing {
namespace {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}  // namespace

struct TcpProxy::Impl : std::enable_shared_from_this<TcpProxy::Impl> {
  // One accepted connection and, when forwarded, its upstream side.
  struct Link {
    explicit Link(tcp::socket accepted)
        : client(std::move(accepted)), upstream(client.get_executor()) {}
    tcp::socket client;
    tcp::socket upstream;
  };

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread;
  std::uint16_t port = 0;
  std::string upstream_host;
  std::uint16_t upstream_port = 0;
  std::shared_ptr<tcp::acceptor> acceptor;  // null while cut; a new one per listening period
  std::set<std::shared_ptr<Link>> links;
  std::atomic<Mode> mode{Mode::forwarding};
  std::atomic<std::size_t> accepted{0};
  std::atomic<std::size_t> open{0};

  // Runs f on the proxy's thread and waits for it; its exception is rethrown here.
  template <class F>
  void on_proxy_thread(F f) {
    std::promise<void> done;
    auto finished = done.get_future();
    asio::post(io, [&] {
      try {
        f();
        done.set_value();
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
    finished.get();
  }

  void listen() {
    if (acceptor) return;
    auto opened = std::make_shared<tcp::acceptor>(io);
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    opened->open(endpoint.protocol());
    opened->set_option(tcp::acceptor::reuse_address(true));
    opened->bind(endpoint);
    opened->listen(asio::socket_base::max_listen_connections);
    port = opened->local_endpoint().port();
    acceptor = opened;
    asio::co_spawn(io, accept_loop(shared_from_this(), opened), asio::detached);
  }

  void stop_listening() {
    if (!acceptor) return;
    boost::system::error_code ignored;
    acceptor->close(ignored);
    acceptor.reset();
  }

  // Resets both sides (SO_LINGER 0: an RST, as from a crashed peer); harmless when already closed.
  void close_link(const std::shared_ptr<Link>& link) {
    if (links.erase(link) == 0) return;
    --open;
    for (tcp::socket* socket : {&link->client, &link->upstream}) {
      boost::system::error_code ignored;
      if (socket->is_open()) socket->set_option(asio::socket_base::linger(true, 0), ignored);
      socket->close(ignored);
    }
  }

  void close_all_links() {
    while (!links.empty()) close_link(*links.begin());
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self,
                                           std::shared_ptr<tcp::acceptor> listener) {
    while (listener->is_open()) {
      auto [error, socket] = co_await listener->async_accept(use_tuple);
      if (error == asio::error::operation_aborted || !listener->is_open()) co_return;
      if (error) continue;
      ++self->accepted;
      auto link = std::make_shared<Link>(std::move(socket));
      self->links.insert(link);
      ++self->open;
      if (self->mode == Mode::black_hole) {
        asio::co_spawn(self->io, hold(self, link), asio::detached);
      } else {
        asio::co_spawn(self->io, forward(self, link), asio::detached);
      }
    }
  }

  // The black hole: reads and drops whatever the client sends, answers nothing, until either side
  // closes.
  static asio::awaitable<void> hold(std::shared_ptr<Impl> self, std::shared_ptr<Link> link) {
    std::array<char, 4096> sink;
    for (;;) {
      auto [error, size] = co_await link->client.async_read_some(asio::buffer(sink), use_tuple);
      if (error) break;
    }
    self->close_link(link);
  }

  static asio::awaitable<void> forward(std::shared_ptr<Impl> self, std::shared_ptr<Link> link) {
    tcp::resolver resolver(self->io);
    auto [resolve_error, endpoints] = co_await resolver.async_resolve(
        self->upstream_host, std::to_string(self->upstream_port), use_tuple);
    if (resolve_error) {
      self->close_link(link);
      co_return;
    }
    auto [connect_error, endpoint] =
        co_await asio::async_connect(link->upstream, endpoints, use_tuple);
    if (connect_error || !self->links.contains(link)) {
      self->close_link(link);
      co_return;
    }
    asio::co_spawn(self->io, pump(self, link, link->upstream, link->client), asio::detached);
    co_await pump(self, link, link->client, link->upstream);
  }

  // Copies from one side to the other until either fails or closes, then closes the link.
  static asio::awaitable<void> pump(std::shared_ptr<Impl> self, std::shared_ptr<Link> link,
                                    tcp::socket& from, tcp::socket& to) {
    std::array<char, 16384> buffer;
    for (;;) {
      auto [read_error, size] = co_await from.async_read_some(asio::buffer(buffer), use_tuple);
      if (read_error) break;
      auto [write_error, written] =
          co_await asio::async_write(to, asio::buffer(buffer.data(), size), use_tuple);
      if (write_error) break;
    }
    self->close_link(link);
  }
};

TcpProxy::TcpProxy(std::string upstream_host, std::uint16_t upstream_port)
    : impl_(std::make_shared<Impl>()) {
  impl_->upstream_host = std::move(upstream_host);
  impl_->upstream_port = upstream_port;
  impl_->listen();
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

TcpProxy::~TcpProxy() {
  // Closing everything completes every pending operation, so the loop runs out of work and ends.
  impl_->on_proxy_thread([impl = impl_.get()] {
    impl->stop_listening();
    impl->close_all_links();
    impl->work.reset();
  });
  impl_->thread.join();
}

std::uint16_t TcpProxy::port() const {
  return impl_->port;
}

void TcpProxy::cut() {
  impl_->on_proxy_thread([impl = impl_.get()] {
    impl->mode = Mode::cut;
    impl->stop_listening();
    impl->close_all_links();
  });
}

void TcpProxy::black_hole() {
  impl_->on_proxy_thread([impl = impl_.get()] {
    impl->mode = Mode::black_hole;
    impl->close_all_links();
    impl->listen();
  });
}

void TcpProxy::restore() {
  impl_->on_proxy_thread([impl = impl_.get()] {
    // Connections held in the black hole are reset; forwarded ones (no cut before) stay.
    if (impl->mode == Mode::black_hole) impl->close_all_links();
    impl->mode = Mode::forwarding;
    impl->listen();  // throws when another process took the port meanwhile
  });
}

void TcpProxy::set_upstream(std::string upstream_host, std::uint16_t upstream_port) {
  impl_->on_proxy_thread([impl = impl_.get(), &upstream_host, upstream_port] {
    impl->upstream_host = std::move(upstream_host);
    impl->upstream_port = upstream_port;
  });
}

TcpProxy::Mode TcpProxy::mode() const {
  return impl_->mode;
}

std::size_t TcpProxy::accepted() const {
  return impl_->accepted;
}

std::size_t TcpProxy::open_connections() const {
  return impl_->open;
}

}  // namespace relay::testing
