// The per-connection read/handle/write loop: deadlines on every read, write and body; framing,
// precheck and body budget before any body byte; transport errors answered, then a lingering close.
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

#include "gateway/http/client_key.hpp"
#include "gateway/http/request_framing.hpp"
#include "gateway/http/request_observer.hpp"
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
// How long a connection over the cap has to send its request head (a probe may be answered).
constexpr std::chrono::seconds rejected_head_timeout{1};
// Body bytes are counted after each read: at most one read (Beast reads up to 64 KiB at a time)
// per connection is in memory before it is counted. Before 100 Continue, the budget must have room
// for the first read.
constexpr std::size_t body_read_size = 64 * 1024;

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

bool is_probe(const TransportHints& hints, const Request& request) {
  if (request.method() != beast_http::verb::get && request.method() != beast_http::verb::head) {
    return false;
  }
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  return std::find(hints.probe_paths.begin(), hints.probe_paths.end(), path) !=
         hints.probe_paths.end();
}

// The handler's answer to a probe, or nullopt when it throws (the caller answers 503).
asio::awaitable<std::optional<Response>> answer_probe(const RequestHandler& handler,
                                                      Request& request) {
  try {
    co_return co_await handler(request);
  } catch (const std::exception&) {
  }
  co_return std::nullopt;
}

// A connection over the cap: its request head is read briefly, so a liveness probe is answered by
// the handler; anything else gets 503. GCC 12 warns falsely that the coroutine frame's allocator
// (Asio's recycling allocator: aligned_new, then free) mismatches its deallocation.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
asio::awaitable<void> reject(std::shared_ptr<ServerState> state, beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  beast_http::request_parser<beast_http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(state->settings.header_limit_bytes));
  parser.body_limit(0);
  stream.expires_after(rejected_head_timeout);
  auto [read_error, read] =
      co_await beast_http::async_read_header(stream, buffer, parser, use_tuple);
  std::optional<Response> answer;
  if (!read_error && parser.is_done() && !check_framing(parser.get()) && state->handler &&
      is_probe(state->hints, parser.get())) {
    Request request = parser.release();
    answer = co_await answer_probe(state->handler, request);
    if (answer && request.method() == beast_http::verb::head) answer->body().clear();
  }
  Response response = answer ? std::move(*answer)
                             : make_error(*state, beast_http::status::service_unavailable,
                                          "too many connections", 11);
  if (!answer) response.set(beast_http::field::retry_after, "1");
  finish_response(response, 11, false);
  stream.expires_after(state->settings.write_timeout);
  auto [ec, n] = co_await beast_http::async_write(stream, response, use_tuple);
  if (!ec) co_await lingering_close(stream, std::chrono::seconds{1});
}
#pragma GCC diagnostic pop

std::string status_text(beast_http::status status) {
  return std::to_string(static_cast<unsigned>(status));
}

// The refusal an error answer of the transport stands for.
TransportRefusal refusal_of(beast_http::status status) {
  switch (status) {
    case beast_http::status::service_unavailable:
      return TransportRefusal::body_budget;
    case beast_http::status::payload_too_large:
      return TransportRefusal::body_too_large;
    case beast_http::status::request_header_fields_too_large:
      return TransportRefusal::header_too_large;
    default:
      return TransportRefusal::malformed;
  }
}

void report_refusal(const ServerState& state, TransportRefusal refusal) {
  if (state.hints.observer != nullptr) state.hints.observer->on_refused(refusal);
}
}  // namespace

Session::Session(std::shared_ptr<ServerState> state, std::uint64_t id, asio::ip::tcp::socket socket)
    : state_(std::move(state)),
      id_(id),
      stream_(std::move(socket)),
      waiting_since_(std::chrono::steady_clock::now().time_since_epoch().count()) {
  boost::system::error_code ec;
  const auto peer = stream_.socket().remote_endpoint(ec);
  client_ = ec ? std::string("unknown") : client_key(peer.address());
}

std::chrono::steady_clock::time_point Session::waiting_since() const {
  return std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(waiting_since_.load()));
}

void Session::set_phase(Phase phase) {
  waiting_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
  phase_ = phase;
}

bool Session::claim_for_eviction(Phase from) {
  return phase_.compare_exchange_strong(from, Phase::evicting);
}

bool Session::begin_request() {
  Phase current = phase_.load();
  while (current != Phase::evicting) {
    if (phase_.compare_exchange_weak(current, Phase::busy)) return true;
  }
  return false;
}

void Session::report_answer(const RequestHeader& header, unsigned status,
                            std::chrono::steady_clock::time_point started) const {
  if (state_->hints.observer == nullptr) return;
  state_->hints.observer->on_answered(header, status, std::chrono::steady_clock::now() - started);
}

void Session::evict() {
  log::info("http.connection_evicted",
            {{"connection", std::to_string(id_)}, {"reason", "connection limit reached"}});
  boost::system::error_code ignored;
  stream_.socket().cancel(ignored);
}

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
  if (phase_ == Phase::busy) return;
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
  report_refusal(*state_, refusal_of(status));
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
             {"shared_in_flight", std::to_string(state_->shared_budget.used())},
             {"reserved_in_flight", std::to_string(state_->reserved_budget.used())}});
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
  const auto& limits = state_->body_limits;
  const unsigned version = parser.get().version();
  if (parser.is_done()) co_return true;

  // Bytes are counted as they arrive, never the declared length up front: a client that declares
  // 32 MiB and sends a byte now and then holds one byte. Before 100 Continue is promised, the
  // budget must have room for the body's first read.
  const auto declared_length = parser.content_length();
  const std::size_t first_read = std::min<std::size_t>(
      declared_length ? static_cast<std::size_t>(*declared_length) : settings.body_limit_bytes,
      body_read_size);
  if (!reservation.could_grow_by(first_read)) {
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

  // read_timeout bounds each silence between reads; the minimum rate is a running rate: after the
  // grace period, the body must never fall behind it, whatever length it declared.
  const auto started = std::chrono::steady_clock::now();
  while (!parser.is_done()) {
    const std::size_t received = parser.get().body().size();
    const auto rate_deadline =
        body_rate_deadline(started, limits.rate_grace, received, limits.min_body_bytes_per_second);
    const auto idle_deadline = std::chrono::steady_clock::now() +
                               std::chrono::steady_clock::duration(settings.read_timeout);
    stream_.expires_at(std::min(idle_deadline, rate_deadline));
    if (auto [ec, n] = co_await beast_http::async_read_some(stream_, buffer, parser, use_tuple);
        ec) {
      if (ec == beast::error::timeout && std::chrono::steady_clock::now() >= rate_deadline) {
        // The stream closed itself at the deadline: no answer can be sent any more.
        log::info("http.body_too_slow",
                  {{"connection", std::to_string(id_)}, {"received", std::to_string(received)}});
        report_refusal(*state_, TransportRefusal::body_too_slow);
        co_return false;
      }
      if (const auto failure = classify(ec)) {
        co_await answer_error(failure->first, failure->second, version);
      }
      co_return false;
    }
    if (!reservation.grow_to(parser.get().body().size())) {
      co_await answer_busy(version);
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<bool> Session::await_request(beast::flat_buffer& buffer, bool first) {
  const auto& settings = state_->settings;
  if (state_->shutting_down) co_return false;
  set_phase(first ? Phase::awaiting_first_byte : Phase::idle);
  // Checked again once waiting: a shutdown that ran just before found the connection busy.
  if (state_->shutting_down) co_return false;
  stream_.expires_after(first ? settings.first_byte_timeout : settings.keep_alive_timeout);
  auto [ec, n] = co_await stream_.async_read_some(buffer.prepare(first_read_bytes), use_tuple);
  if (ec) co_return false;  // closed by the client, timed out, evicted or cancelled by shutdown
  buffer.commit(n);
  co_return begin_request();
}

asio::awaitable<void> Session::serve() {
  const auto& settings = state_->settings;
  beast::flat_buffer buffer;
  bool first = true;
  while (true) {
    // Wait for the first byte of the next request (a pipelined one may already be buffered).
    if (buffer.size() == 0) {
      if (!co_await await_request(buffer, first)) co_return;
    } else if (!begin_request()) {
      co_return;
    }
    first = false;
    const auto started = std::chrono::steady_clock::now();

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

    // Framing the header cannot be trusted for (a smuggling vector): answered, then closed, so
    // nothing after this header is ever read as a request.
    if (const auto refusal = check_framing(parser.get())) {
      co_await answer_error(refusal->status, refusal->reason, version);
      co_return;
    }

    // The precheck sees the header before 100 Continue is promised or any body byte is read. A
    // refused request without a body is complete, so the connection may go on; with a body, the
    // body is left unread and the connection closed.
    if (auto refusal = run_precheck(parser.get())) {
      log::write(log::Level::debug, "http.request_prechecked",
                 {{"connection", std::to_string(id_)}, {"status", status_text(refusal->result())}});
      report_answer(parser.get(), refusal->result_int(), started);
      if (parser.is_done()) {
        if (co_await send_answer(*refusal, parser.get())) continue;
        co_return;
      }
      co_await answer_and_close(std::move(*refusal), version);
      co_return;
    }

    // The body's bytes stay reserved from its lane's budget until the answer is written.
    const BodyLane lane =
        state_->hints.lane_of ? state_->hints.lane_of(parser.get()) : BodyLane::shared;
    BodyReservation reservation(state_->budget(lane), client_);
    if (!co_await read_body(buffer, parser, reservation)) co_return;

    Request request = parser.release();
    Response response = co_await call_handler(request);
    report_answer(request, response.result_int(), started);
    if (!co_await send_answer(response, request)) co_return;
  }
}

void reject_connection(std::shared_ptr<ServerState> state, asio::ip::tcp::socket socket) {
  report_refusal(*state, TransportRefusal::connection_limit);
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
