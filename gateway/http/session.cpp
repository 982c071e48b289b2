// The per-connection read/handle/write loop: deadlines on every read, write and body; precheck and
// body budget before any body byte; transport errors answered, then a lingering close.
#include "gateway/http/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "gateway/log/log.hpp"

namespace relay::http {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t first_read_bytes = 4096;
// After an error answer, how long the client may keep sending before the socket is closed; reading
// (and discarding) meanwhile keeps the kernel from resetting the connection before the client has
// read the answer.
constexpr std::chrono::seconds max_linger{2};
// Connections answered 503 at the same time; beyond this they are closed without an answer.
constexpr std::size_t max_rejecting = 64;
// A chunked body's size is unknown up front: before each read, the budget must hold what the body
// already holds plus this much (about one read).
constexpr std::size_t chunked_read_reservation = 64 * 1024;

Response make_error(const ServerState& state, beast_http::status status, std::string_view reason,
                    unsigned version) {
  try {
    if (state.on_error) return state.on_error(status, reason, version);
  } catch (const std::exception& error) {
    log::error("http.error_responder_failed", {{"reason", error.what()}});
  } catch (...) {
    log::error("http.error_responder_failed", {{"reason", "unknown exception"}});
  }
  Response response{status, version};
  response.set(beast_http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::string(reason);
  return response;
}

bool says_close(const Response& response) {
  return beast_http::token_list{response[beast_http::field::connection]}.exists("close");
}

// Version, Server header, keep-alive and Content-Length; the handler's other headers are kept.
void finish_response(Response& response, unsigned version, bool keep_alive) {
  response.version(version);
  response.set(beast_http::field::server, "relay-gateway");
  response.keep_alive(keep_alive);
  response.prepare_payload();
}

// Half-closes, then discards whatever the client still sends until it closes or max_linger passes.
asio::awaitable<void> lingering_close(beast::tcp_stream& stream,
                                      std::chrono::seconds read_timeout) {
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream.expires_after(std::min(read_timeout, max_linger));
  std::array<char, 4096> discard;
  while (true) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(discard), use_tuple);
    if (ec) break;
  }
  stream.close();
}

// The answer for a read failure, or nullopt when the connection just ends (EOF, timeout, reset).
std::optional<std::pair<beast_http::status, std::string_view>> classify(
    const boost::system::error_code& ec) {
  if (ec == beast_http::error::header_limit) {
    return std::pair{beast_http::status::request_header_fields_too_large,
                     "request header too large"};
  }
  if (ec == beast_http::error::body_limit) {
    return std::pair{beast_http::status::payload_too_large, "request body too large"};
  }
  if (ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message) {
    return std::nullopt;
  }
  if (ec.category() == beast_http::make_error_code(beast_http::error::bad_method).category()) {
    return std::pair{beast_http::status::bad_request, "malformed HTTP request"};
  }
  return std::nullopt;
}

bool expects_continue(const Request& request) {
  return request.version() >= 11 &&
         beast::iequals(request[beast_http::field::expect], "100-continue");
}

asio::awaitable<void> reject(std::shared_ptr<ServerState> state, beast::tcp_stream stream) {
  Response response =
      make_error(*state, beast_http::status::service_unavailable, "too many connections", 11);
  finish_response(response, 11, false);
  stream.expires_after(state->settings.write_timeout);
  auto [ec, n] = co_await beast_http::async_write(stream, response, use_tuple);
  if (!ec) co_await lingering_close(stream, std::chrono::seconds{1});
}

std::string status_text(beast_http::status status) {
  return std::to_string(static_cast<unsigned>(status));
}
}  // namespace

Session::Session(std::shared_ptr<ServerState> state, std::uint64_t id, asio::ip::tcp::socket socket)
    : state_(std::move(state)), id_(id), stream_(std::move(socket)) {}

void Session::start(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket) {
  const std::uint64_t id = state->next_id++;
  auto session = std::make_shared<Session>(state, id, std::move(socket));
  state->add(id, session);
  log::write(log::Level::debug, "http.connection_opened", {{"connection", std::to_string(id)}});
  asio::co_spawn(
      session->executor(), [session]() { return session->serve(); },
      [session](std::exception_ptr failure) {
        if (failure) {
          std::string reason = "unknown exception";
          try {
            std::rethrow_exception(failure);
          } catch (const std::exception& error) {
            reason = error.what();
          } catch (...) {
          }
          log::error("http.session_failed",
                     {{"connection", std::to_string(session->id_)}, {"reason", reason}});
        }
        log::write(log::Level::debug, "http.connection_closed",
                   {{"connection", std::to_string(session->id_)}});
        session->state_->remove(session->id_);
      });
}

void Session::on_shutdown() {
  if (!idle_) return;
  boost::system::error_code ignored;
  stream_.socket().cancel(ignored);
}

void Session::force_close() {
  stream_.close();
}

asio::awaitable<Response> Session::call_handler(Request& request) {
  std::string failure;
  try {
    if (!state_->handler) throw std::runtime_error("no request handler");
    co_return co_await state_->handler(request);
  } catch (const std::exception& error) {
    failure = error.what();
  } catch (...) {
    failure = "unknown exception";
  }
  log::error("http.handler_failed", {{"connection", std::to_string(id_)}, {"reason", failure}});
  co_return make_error(*state_, beast_http::status::internal_server_error, "internal server error",
                       request.version());
}

std::optional<Response> Session::run_precheck(const Request& header) {
  if (!state_->precheck) return std::nullopt;
  std::string failure;
  try {
    return state_->precheck(header);
  } catch (const std::exception& error) {
    failure = error.what();
  } catch (...) {
    failure = "unknown exception";
  }
  log::error("http.precheck_failed", {{"connection", std::to_string(id_)}, {"reason", failure}});
  return make_error(*state_, beast_http::status::internal_server_error, "internal server error",
                    header.version());
}

asio::awaitable<void> Session::answer_error(beast_http::status status, std::string_view reason,
                                            unsigned version, bool retry_later) {
  log::info("http.request_rejected", {{"connection", std::to_string(id_)},
                                      {"status", status_text(status)},
                                      {"reason", std::string(reason)}});
  Response response = make_error(*state_, status, reason, version);
  if (retry_later) response.set(beast_http::field::retry_after, "1");
  co_await answer_and_close(std::move(response), version);
}

asio::awaitable<void> Session::answer_busy(unsigned version) {
  log::warn("http.body_budget_exhausted",
            {{"connection", std::to_string(id_)},
             {"in_flight", std::to_string(state_->body_budget.used())}});
  co_await answer_error(beast_http::status::service_unavailable, "server busy, retry later",
                        version, true);
}

asio::awaitable<void> Session::answer_and_close(Response response, unsigned version) {
  finish_response(response, version, false);
  stream_.expires_after(state_->settings.write_timeout);
  auto [ec, n] = co_await beast_http::async_write(stream_, response, use_tuple);
  if (!ec) co_await lingering_close(stream_, state_->settings.read_timeout);
}

asio::awaitable<bool> Session::send_answer(Response& response, const Request& request) {
  const bool keep_alive = request.keep_alive() && !says_close(response) && !state_->shutting_down;
  finish_response(response, request.version(), keep_alive);
  if (request.method() == beast_http::verb::head) response.body().clear();

  stream_.expires_after(state_->settings.write_timeout);
  if (auto [ec, n] = co_await beast_http::async_write(stream_, response, use_tuple); ec) {
    co_return false;
  }
  if (response.need_eof()) {
    boost::system::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> Session::read_body(beast::flat_buffer& buffer, RequestParser& parser,
                                         BodyReservation& reservation) {
  const auto& settings = state_->settings;
  const unsigned version = parser.get().version();
  if (parser.is_done()) co_return true;

  // The declared length is reserved before 100 Continue; a chunked body as it arrives.
  const auto declared_length = parser.content_length();
  if (declared_length && !reservation.grow_to(static_cast<std::size_t>(*declared_length))) {
    co_await answer_busy(version);
    co_return false;
  }

  if (expects_continue(parser.get())) {
    beast_http::response<beast_http::empty_body> interim{beast_http::status::continue_, 11};
    interim.set(beast_http::field::server, "relay-gateway");
    stream_.expires_after(settings.write_timeout);
    if (auto [ec, n] = co_await beast_http::async_write(stream_, interim, use_tuple); ec) {
      co_return false;
    }
  }

  // read_timeout bounds each silence between reads, and the whole upload must end within
  // max(read_timeout, size / min rate); for a chunked body, the size received so far.
  const auto started = std::chrono::steady_clock::now();
  const std::size_t min_rate = state_->body_limits.min_body_bytes_per_second;
  while (!parser.is_done()) {
    const std::size_t held = parser.get().body().size();
    if (!declared_length && !reservation.grow_to(std::min<std::size_t>(
                                settings.body_limit_bytes, held + chunked_read_reservation))) {
      co_await answer_busy(version);
      co_return false;
    }
    const auto deadline =
        started + body_time_allowance(settings.read_timeout,
                                      declared_length ? *declared_length : held, min_rate);
    const auto idle_deadline = std::chrono::steady_clock::now() +
                               std::chrono::steady_clock::duration(settings.read_timeout);
    stream_.expires_at(std::min(idle_deadline, deadline));
    if (auto [ec, n] = co_await beast_http::async_read_some(stream_, buffer, parser, use_tuple);
        ec) {
      if (ec == beast::error::timeout && std::chrono::steady_clock::now() >= deadline) {
        log::info("http.body_too_slow", {{"connection", std::to_string(id_)},
                                         {"received", std::to_string(parser.get().body().size())}});
      }
      if (const auto failure = classify(ec)) {
        co_await answer_error(failure->first, failure->second, version);
      }
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> Session::serve() {
  const auto& settings = state_->settings;
  beast::flat_buffer buffer;
  bool first = true;
  while (true) {
    // Wait for the first byte of the next request (idle: shutdown may close the connection here).
    if (buffer.size() == 0) {
      if (state_->shutting_down) co_return;
      idle_ = true;
      stream_.expires_after(first ? settings.read_timeout : settings.keep_alive_timeout);
      auto [ec, n] = co_await stream_.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
      idle_ = false;
      if (ec) co_return;  // closed by the client, timed out, or cancelled by shutdown
      buffer.commit(n);
    }
    first = false;

    RequestParser parser;
    parser.header_limit(static_cast<std::uint32_t>(settings.header_limit_bytes));
    parser.body_limit(settings.body_limit_bytes);

    stream_.expires_after(settings.read_timeout);
    if (auto [ec, n] = co_await beast_http::async_read_header(stream_, buffer, parser, use_tuple);
        ec) {
      if (const auto failure = classify(ec)) {
        co_await answer_error(failure->first, failure->second, parser.get().version());
      }
      co_return;
    }

    const unsigned version = parser.get().version();

    // The precheck sees the header before 100 Continue is promised or any body byte is read. A
    // refused request without a body is complete, so the connection may go on; with a body, the
    // body is left unread and the connection closed.
    if (auto refusal = run_precheck(parser.get())) {
      log::write(log::Level::debug, "http.request_prechecked",
                 {{"connection", std::to_string(id_)}, {"status", status_text(refusal->result())}});
      if (parser.is_done()) {
        if (co_await send_answer(*refusal, parser.get())) continue;
        co_return;
      }
      co_await answer_and_close(std::move(*refusal), version);
      co_return;
    }

    // The body's bytes stay reserved from the server-wide budget until the answer is written.
    BodyReservation reservation(state_->body_budget);
    if (!co_await read_body(buffer, parser, reservation)) co_return;

    Request request = parser.release();
    Response response = co_await call_handler(request);
    if (!co_await send_answer(response, request)) co_return;
  }
}

void reject_connection(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket) {
  if (state->rejecting.fetch_add(1) >= max_rejecting) {
    --state->rejecting;
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  beast::tcp_stream stream(std::move(socket));
  auto executor = stream.get_executor();
  asio::co_spawn(executor, reject(state, std::move(stream)),
                 [state](std::exception_ptr) { --state->rejecting; });
}

}  // namespace relay::http
