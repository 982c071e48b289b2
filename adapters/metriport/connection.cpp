// Connection I/O with Beast: resolve under a timer, connect and handshake under the connect
// deadline, then write and read under the exchange deadline; failures say how far they got.
#include "adapters/metriport/connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>

#include <string>
#include <utility>

namespace relay::metriport {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t max_answer_header_bytes = 64 * 1024;
// 1xx interim answers (100 Continue, 103 Early Hints) skipped before the final one.
constexpr int max_interim_answers = 4;

TransportFailure failure(FailureStage stage, FailureKind kind, std::string detail) {
  TransportFailure result;
  result.stage = stage;
  result.kind = kind;
  result.detail = std::move(detail);
  return result;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

FailureKind read_failure_kind(const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return FailureKind::timeout;
  if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
      ec == bhttp::error::buffer_overflow) {
    return FailureKind::answer_too_large;
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return FailureKind::error;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    return FailureKind::malformed_answer;
  }
  return FailureKind::error;
}

// "certificate verify failed: self-signed certificate" rather than only the first half.
std::string handshake_detail(beast::ssl_stream<beast::tcp_stream>::native_handle_type handle,
                             const boost::system::error_code& ec) {
  std::string detail = ec.message();
  const long verify = SSL_get_verify_result(handle);
  if (verify != X509_V_OK) {
    detail += ": ";
    detail += X509_verify_cert_error_string(verify);
  }
  return detail;
}
}  // namespace

Connection::Connection(Strand strand) : strand_(std::move(strand)) {}
Connection::~Connection() = default;

beast::tcp_stream& Connection::transport() {
  return tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
}

asio::awaitable<OpenResult> Connection::open(asio::any_io_executor executor, Origin origin,
                                             ssl::context& tls, Clock::time_point deadline) {
  Strand strand = asio::make_strand(executor);
  co_return co_await asio::co_spawn(
      strand, open_on_strand(strand, std::move(origin), tls, deadline), asio::use_awaitable);
}

asio::awaitable<OpenResult> Connection::open_on_strand(Strand strand, Origin origin,
                                                       ssl::context& tls,
                                                       Clock::time_point deadline) {
  // The resolver has no deadline of its own: a timer on the same strand cancels it.
  auto resolver = std::make_shared<tcp::resolver>(strand);
  asio::steady_timer resolve_timer(strand, deadline);
  resolve_timer.async_wait([resolver](const boost::system::error_code& ec) {
    if (!ec) resolver->cancel();
  });
  auto [resolve_ec, endpoints] =
      co_await resolver->async_resolve(origin.host, std::to_string(origin.port), use_tuple);
  resolve_timer.cancel();
  if (resolve_ec) {
    const bool timed_out = Clock::now() >= deadline;
    co_return failure(FailureStage::resolve, timed_out ? FailureKind::timeout : FailureKind::error,
                      timed_out ? std::string{} : resolve_ec.message());
  }

  auto connection = std::make_unique<Connection>(strand);
  auto stream = std::make_unique<beast::tcp_stream>(strand);
  stream->expires_at(deadline);
  auto [connect_ec, endpoint] = co_await stream->async_connect(endpoints, use_tuple);
  if (connect_ec) {
    const bool timed_out = connect_ec == beast::error::timeout;
    co_return failure(FailureStage::connect, timed_out ? FailureKind::timeout : FailureKind::error,
                      timed_out ? std::string{} : connect_ec.message());
  }
  boost::system::error_code ignored;
  stream->socket().set_option(tcp::no_delay(true), ignored);

  if (!origin.is_tls()) {
    stream->expires_never();
    connection->plain_ = std::move(stream);
    co_return connection;
  }
  auto secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*stream), tls);
  // SNI carries names only, never IP addresses (RFC 6066 section 3).
  if (!is_ip_address(origin.host) &&
      SSL_set_tlsext_host_name(secure->native_handle(), origin.host.c_str()) != 1) {
    co_return failure(FailureStage::tls_handshake, FailureKind::error, "cannot set SNI");
  }
  secure->set_verify_mode(ssl::verify_peer);
  beast::get_lowest_layer(*secure).expires_at(deadline);
  secure->set_verify_callback(ssl::host_name_verification(origin.host));
  auto [handshake_ec] = co_await secure->async_handshake(ssl::stream_base::client, use_tuple);
  if (handshake_ec) {
    const bool timed_out = handshake_ec == beast::error::timeout;
    co_return failure(
        FailureStage::tls_handshake, timed_out ? FailureKind::timeout : FailureKind::error,
        timed_out ? std::string{} : handshake_detail(secure->native_handle(), handshake_ec));
  }
  beast::get_lowest_layer(*secure).expires_never();
  connection->tls_ = std::move(secure);
  co_return connection;
}

asio::awaitable<ExchangeResult> Connection::exchange(const OutgoingRequest& request,
                                                     Clock::time_point deadline,
                                                     std::size_t max_answer_bytes) {
  co_return co_await asio::co_spawn(
      strand_, exchange_on_strand(request, deadline, max_answer_bytes), asio::use_awaitable);
}

asio::awaitable<ExchangeResult> Connection::exchange_on_strand(const OutgoingRequest& request,
                                                               Clock::time_point deadline,
                                                               std::size_t max_answer_bytes) {
  transport().expires_at(deadline);
  // No co_await inside a conditional expression: GCC 12 miscompiles that in coroutines.
  ExchangeResult result;
  if (tls_) {
    result = co_await exchange_over(*tls_, request, max_answer_bytes);
  } else {
    result = co_await exchange_over(*plain_, request, max_answer_bytes);
  }
  if (transport().socket().is_open()) transport().expires_never();
  idle_since_ = Clock::now();
  co_return result;
}

template <class Stream>
asio::awaitable<ExchangeResult> Connection::exchange_over(Stream& stream,
                                                          const OutgoingRequest& request,
                                                          std::size_t max_answer_bytes) {
  reusable_ = false;
  TransportFailure context;
  context.reused_connection = exchanges_ > 0;
  ++exchanges_;

  auto [write_ec, written] = co_await bhttp::async_write(stream, request, use_tuple);
  if (write_ec) {
    context.stage = FailureStage::write;
    context.kind = write_ec == beast::error::timeout ? FailureKind::timeout : FailureKind::error;
    context.request_bytes_written = written > 0;
    context.detail = context.kind == FailureKind::timeout ? std::string{} : write_ec.message();
    co_return context;
  }
  context.request_bytes_written = true;

  for (int interim = 0;; ++interim) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(max_answer_header_bytes);
    parser.body_limit(max_answer_bytes);
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer_, parser, use_tuple);
    if (read_ec) {
      context.stage = FailureStage::read;
      context.kind = read_failure_kind(read_ec);
      context.answer_bytes_received = read > 0 || parser.got_some() || buffer_.size() > 0;
      context.detail = context.kind == FailureKind::timeout ? std::string{} : read_ec.message();
      co_return context;
    }
    auto& message = parser.get();
    const int status = static_cast<int>(message.result_int());
    if (status >= 100 && status < 200 && status != 101 && interim < max_interim_answers) continue;
    HttpAnswer answer;
    answer.status = status;
    answer.body = std::move(message.body());
    reusable_ = message.keep_alive() && request.keep_alive() && buffer_.size() == 0;
    answer.headers = std::move(static_cast<bhttp::fields&>(message));
    co_return answer;
  }
}

bool Connection::looks_alive() const {
  auto& socket = tls_ ? beast::get_lowest_layer(*tls_).socket() : plain_->socket();
  if (!socket.is_open()) return false;
  pollfd descriptor{};
  descriptor.fd = socket.native_handle();
  descriptor.events = POLLIN;
  return ::poll(&descriptor, 1, 0) == 0;
}

}  // namespace relay::metriport
