// One keep-alive HTTP/1.1 connection (plain TCP or TLS) with its own strand: opening it (DNS,
// connect, handshake with SNI and host name verification) and one request/answer at a time.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <variant>

#include "adapters/metriport/http_exchange.hpp"
#include "adapters/metriport/url_origin.hpp"

namespace relay::metriport {

using OutgoingRequest = boost::beast::http::request<boost::beast::http::span_body<const char>>;

class Connection;
using OpenResult = std::variant<std::unique_ptr<Connection>, TransportFailure>;

// Every operation runs on the connection's strand (open and exchange hop there themselves), so
// Beast's timeout handlers never race the coroutine even on a multi-threaded io_context. A
// Connection is used by one caller at a time (the pool hands it out exclusively).
class Connection {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  using Clock = std::chrono::steady_clock;

  // Resolves, connects and (https) handshakes before `deadline`; `tls` is used for https only and
  // must outlive the connection.
  static boost::asio::awaitable<OpenResult> open(boost::asio::any_io_executor executor,
                                                 Origin origin, boost::asio::ssl::context& tls,
                                                 Clock::time_point deadline);

  // Writes the request and reads the whole answer before `deadline`.
  boost::asio::awaitable<ExchangeResult> exchange(const OutgoingRequest& request,
                                                  Clock::time_point deadline,
                                                  std::size_t max_answer_bytes);

  // The last exchange left the connection fit for another (keep-alive, answer read whole).
  bool reusable() const { return reusable_; }
  // True when at least one exchange ran on it (the next one reuses it).
  bool used() const { return exchanges_ > 0; }
  // No byte and no close waiting on the idle socket (a server that closed a keep-alive
  // connection shows up as readable).
  bool looks_alive() const;
  Clock::time_point idle_since() const { return idle_since_; }

  explicit Connection(Strand strand);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

 private:
  static boost::asio::awaitable<OpenResult> open_on_strand(Strand strand, Origin origin,
                                                           boost::asio::ssl::context& tls,
                                                           Clock::time_point deadline);
  boost::asio::awaitable<ExchangeResult> exchange_on_strand(const OutgoingRequest& request,
                                                            Clock::time_point deadline,
                                                            std::size_t max_answer_bytes);
  template <class Stream>
  boost::asio::awaitable<ExchangeResult> exchange_over(Stream& stream,
                                                       const OutgoingRequest& request,
                                                       std::size_t max_answer_bytes);
  boost::beast::tcp_stream& transport();

  Strand strand_;
  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
  bool reusable_ = false;
  int exchanges_ = 0;
  Clock::time_point idle_since_ = Clock::now();
};

}  // namespace relay::metriport
