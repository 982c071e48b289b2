// One HTTP/1.1 connection: a coroutine on its own strand that reads requests (framing, limits,
// precheck, body budget, timeouts, 100-continue), calls the handler, writes answers, closes.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/body_budget.hpp"
#include "gateway/http/server_state.hpp"

namespace relay::http {

class Session {
 public:
  // Where the connection stands, for eviction at the connection cap: awaiting_first_byte (opened,
  // never spoke), idle (between keep-alive requests), busy (a request is being read or answered),
  // evicting (claimed by evict_one; closes without serving anything more).
  enum class Phase : std::uint8_t { awaiting_first_byte, idle, busy, evicting };

  Session(std::shared_ptr<ServerState> state, std::uint64_t id,
          boost::asio::ip::tcp::socket socket);

  // Registers the session with the server state and starts its coroutine on the socket's strand.
  static void start(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket);

  // Both run on the session's strand (post them there). Shutdown closes the connection at once if
  // it is waiting for its next request, otherwise lets the request finish; force_close closes it.
  void on_shutdown();
  void force_close();
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

  // Thread-safe: read and claimed by ServerState::evict_one from the accept loop.
  Phase phase() const { return phase_.load(); }
  std::chrono::steady_clock::time_point waiting_since() const;
  // Moves the phase from `from` to evicting; false when the connection has moved on meanwhile.
  bool claim_for_eviction(Phase from);
  // On the session's strand, after a successful claim: closes the waiting connection.
  void evict();

 private:
  using RequestParser = beast_http::request_parser<beast_http::string_body>;

  boost::asio::awaitable<void> serve();
  // After the precheck: reserves the body from the budget, sends 100 Continue if asked, reads the
  // body within its deadlines. False (after answering, if there is an answer) ends the connection.
  boost::asio::awaitable<bool> read_body(boost::beast::flat_buffer& buffer, RequestParser& parser,
                                         BodyReservation& reservation);
  // Waits for the first byte of the next request; false when the connection is to end.
  boost::asio::awaitable<bool> await_request(boost::beast::flat_buffer& buffer, bool first);
  void set_phase(Phase phase);
  // Moves from a waiting phase to busy; false when the connection was claimed for eviction.
  bool begin_request();
  boost::asio::awaitable<void> answer_error(beast_http::status status, std::string_view reason,
                                            unsigned version, bool retry_later = false);
  // Sends an answer and closes without reading the rest of the request (lingering close).
  boost::asio::awaitable<void> answer_and_close(Response response, unsigned version);
  // 503 with Retry-After when the body budget has no room for the request's body.
  boost::asio::awaitable<void> answer_busy(unsigned version);
  // Sends the answer to a complete request; false when the connection must end.
  boost::asio::awaitable<bool> send_answer(Response& response, const Request& request);
  boost::asio::awaitable<Response> call_handler(Request& request);
  std::optional<Response> run_precheck(const Request& header);
  // Tells the server's observer (if any) that a request was answered.
  void report_answer(const RequestHeader& header, unsigned status,
                     std::chrono::steady_clock::time_point started) const;

  std::shared_ptr<ServerState> state_;
  std::uint64_t id_;
  boost::beast::tcp_stream stream_;
  std::string client_;  // client_key of the peer: what its body bytes are counted against
  std::atomic<Phase> phase_{Phase::awaiting_first_byte};
  std::atomic<std::chrono::steady_clock::rep> waiting_since_;  // when the current wait began
};

// Answers 503 through on_error and closes: for connections accepted over the connection cap.
void reject_connection(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket);

}  // namespace relay::http
