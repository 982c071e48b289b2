// Listening, the accept loop (on the state's strand) and shutdown: the accept loop never blocks on
// a connection; at the cap it evicts or hands the socket to a short 503 responder and goes on.
#include "gateway/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "gateway/http/server_state.hpp"
#include "gateway/http/session.hpp"
#include "gateway/log/log.hpp"

namespace relay::http {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

[[noreturn]] void throw_system_error(const boost::system::error_code& ec, const std::string& what) {
  throw std::system_error(std::error_code(ec), what);
}

tcp::endpoint resolve(asio::io_context& io, const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (!ec) return tcp::endpoint(address, port);
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw_system_error(ec, "cannot resolve listen host " + host);
  if (results.empty()) {
    throw_system_error(asio::error::host_not_found, "cannot resolve listen host " + host);
  }
  return results.begin()->endpoint();
}

asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> state) {
  while (true) {
    asio::any_io_executor connection_executor = asio::make_strand(state->io);
    auto [ec, socket] = co_await state->acceptor.async_accept(connection_executor,
                                                              asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
    if (ec) {
      // Typically EMFILE: log, back off briefly, keep accepting.
      log::error("http.accept_failed", {{"reason", ec.message()}});
      asio::steady_timer pause(state->strand, 50ms);
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (state->shutting_down) {
      boost::system::error_code ignored;
      socket.close(ignored);
      co_return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    // At the cap a connection that never spoke, or an idle keep-alive one, makes way for the
    // newcomer; only when every connection is mid-request is the newcomer refused.
    if (state->active() >= state->settings.max_connections && !state->evict_one()) {
      log::warn("http.connection_refused", {{"reason", "connection limit reached"},
                                            {"active", std::to_string(state->active())}});
      reject_connection(state, std::move(socket));
      continue;
    }
    Session::start(state, std::move(socket));
  }
}

void log_if_failed(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    log::error("http.accept_loop_failed", {{"reason", error.what()}});
  } catch (...) {
    log::error("http.accept_loop_failed", {{"reason", "unknown exception"}});
  }
}
}  // namespace

Server::Server(asio::io_context& io, config::HttpSettings settings, RequestHandler handler,
               TransportErrorResponder on_error, RequestPrecheck precheck, BodyLimits body_limits,
               TransportHints hints)
    : state_(std::make_shared<ServerState>(io, std::move(settings), std::move(handler),
                                           std::move(on_error), std::move(precheck), body_limits,
                                           std::move(hints))) {}

Server::~Server() {
  if (!state_->shutting_down.exchange(true)) {
    asio::post(state_->strand, [state = state_] {
      boost::system::error_code ignored;
      state->acceptor.close(ignored);
    });
  }
}

void Server::start() {
  if (state_->started.exchange(true)) throw std::logic_error("Server::start called twice");
  const auto& settings = state_->settings;
  const std::string address = settings.listen_host + ":" + std::to_string(settings.listen_port);
  const tcp::endpoint endpoint = resolve(state_->io, settings.listen_host, settings.listen_port);

  auto& acceptor = state_->acceptor;
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) throw_system_error(ec, "cannot open a socket for " + address);
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) throw_system_error(ec, "cannot set SO_REUSEADDR for " + address);
  acceptor.bind(endpoint, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    throw_system_error(ec, "cannot bind " + address);
  }
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw_system_error(ec, "cannot listen on " + address);
  state_->port = acceptor.local_endpoint().port();

  log::info("http.listening",
            {{"host", settings.listen_host}, {"port", std::to_string(state_->port.load())}});
  asio::co_spawn(state_->strand, accept_loop(state_), log_if_failed);
}

std::uint16_t Server::port() const {
  return state_->port;
}

std::size_t Server::active_connections() const {
  return state_->active();
}

std::size_t Server::inflight_body_bytes() const {
  return state_->shared_budget.used();
}

std::size_t Server::reserved_lane_body_bytes() const {
  return state_->reserved_budget.used();
}

void Server::begin_shutdown(std::function<void()> on_drained) {
  if (state_->shutting_down.exchange(true)) return;
  log::info("http.shutdown_started", {{"active", std::to_string(state_->active())}});
  // Posted before the drain callback is stored, so a drain-time cancel always runs after this.
  asio::post(state_->strand, [state = state_] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    state->grace_timer.expires_after(state->settings.shutdown_grace);
    state->grace_timer.async_wait([state](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: drained in time
      auto callback = state->take_drain_callback();
      if (!callback) return;
      log::warn("http.shutdown_grace_expired", {{"active", std::to_string(state->active())}});
      for (auto& session : state->snapshot()) {
        asio::post(session->executor(), [session] { session->force_close(); });
      }
      asio::post(state->io, std::move(callback));
    });
  });
  state_->set_drain_callback(on_drained ? std::move(on_drained) : [] {});
  for (auto& session : state_->snapshot()) {
    asio::post(session->executor(), [session] { session->on_shutdown(); });
  }
  state_->finish_drain_if_idle();
}

}  // namespace relay::http
