// The healthcheck's probe: Boost.URL parses --url, and one Boost.Beast GET runs on a private
// io_context under one deadline (Beast's timeouts bound asynchronous operations only).
#include "gateway/cli/health_probe.hpp"

#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace relay::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view default_path = "/livez";
constexpr std::size_t answer_body_limit = 64 * 1024;
// Name resolution is not bounded by the stream's deadline; the loop gives it this much more.
constexpr std::chrono::milliseconds resolver_margin{200};

std::string host_header_for(const std::string& host, const std::string& port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + port;
}

std::string reason_of(const boost::system::error_code& error) {
  if (error == beast::error::timeout) return "timed out";
  if (error == asio::error::connection_refused) return "connection refused";
  return error.message();
}

asio::awaitable<ProbeResult> run_probe(const ProbeTarget& target,
                                       std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);  // one deadline for connect, write and read together

  auto [resolve_error, endpoints] =
      co_await resolver.async_resolve(target.host, target.port, use_tuple);
  if (resolve_error)
    co_return ProbeResult{false, "cannot resolve host: " + reason_of(resolve_error)};
  auto [connect_error, endpoint] = co_await stream.async_connect(endpoints, use_tuple);
  if (connect_error) co_return ProbeResult{false, reason_of(connect_error)};

  http::request<http::empty_body> request{http::verb::get, target.path, 11};
  request.set(http::field::host, target.host_header);
  request.set(http::field::user_agent, "relay-gateway-healthcheck");
  request.set(http::field::connection, "close");
  auto [write_error, written] = co_await http::async_write(stream, request, use_tuple);
  if (write_error) co_return ProbeResult{false, reason_of(write_error)};

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(answer_body_limit);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
  if (read_error) co_return ProbeResult{false, reason_of(read_error)};
  const unsigned status = parser.get().result_int();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return ProbeResult{status == 200, "status " + std::to_string(status)};
}

}  // namespace

std::variant<ProbeTarget, std::string> parse_probe_url(std::string_view url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return std::string("--url must be an absolute http:// URL");
  if (parsed->scheme_id() != boost::urls::scheme::http) {
    return std::string("--url must use http:// (the operations listener does not speak TLS)");
  }
  if (!parsed->has_authority() || parsed->encoded_host().empty()) {
    return std::string("--url has no host");
  }
  if (parsed->has_userinfo()) return std::string("--url must not carry a user name or password");
  ProbeTarget target;
  switch (parsed->host_type()) {
    case boost::urls::host_type::name:
      target.host = std::string(parsed->host_name());
      break;
    case boost::urls::host_type::ipv4:
      target.host = parsed->host_ipv4_address().to_string();
      break;
    case boost::urls::host_type::ipv6:
      target.host = parsed->host_ipv6_address().to_string();
      break;
    default:
      return std::string("--url has a host this probe cannot reach");
  }
  target.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  if (target.port.empty()) return std::string("--url has an empty port");
  target.path = parsed->encoded_path().empty() ? std::string(default_path)
                                               : std::string(parsed->encoded_path());
  if (parsed->has_query()) target.path += "?" + std::string(parsed->encoded_query());
  target.host_header = host_header_for(target.host, target.port);
  return target;
}

ProbeTarget probe_target_for_listener(const std::string& host, std::uint16_t port) {
  ProbeTarget target;
  target.host = host;
  boost::system::error_code not_an_address;
  const auto address = asio::ip::make_address(host, not_an_address);
  if (!not_an_address && address.is_unspecified()) {
    target.host = address.is_v6() ? "::1" : "127.0.0.1";
  }
  target.port = std::to_string(port);
  target.path = std::string(default_path);
  target.host_header = host_header_for(target.host, target.port);
  return target;
}

ProbeResult probe(const ProbeTarget& target, std::chrono::milliseconds timeout) {
  asio::io_context io;
  std::optional<ProbeResult> result;
  asio::co_spawn(io, run_probe(target, timeout),
                 [&result](std::exception_ptr failure, ProbeResult answer) {
                   if (!failure) {
                     result = std::move(answer);
                     return;
                   }
                   try {
                     std::rethrow_exception(failure);
                   } catch (const std::exception& error) {
                     result = ProbeResult{false, error.what()};
                   }
                 });
  io.run_for(timeout + resolver_margin);
  if (!result) return ProbeResult{false, "timed out"};
  return *result;
}

}  // namespace relay::cli
