// post_webhook: Boost.URL to split the target, Beast over a tcp_stream whose single deadline
// covers resolve, connect, write and read, like Metriport's 4-second webhook timeout.
#include "tests/simulator/webhook_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include "gateway/log/log.hpp"

namespace relay::sim {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<int> post_webhook(std::string url, std::string body, std::string signature,
                                  std::chrono::milliseconds timeout) {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) {
    log::warn("sim.webhook_url_unusable", {{"reason", "only http:// URLs are supported"}});
    co_return 0;
  }
  const std::string host = parsed->host();
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());

  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  asio::ip::tcp::resolver resolver(executor);
  auto [resolve_error, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
  if (resolve_error) co_return 0;
  if (auto [ec, endpoint] = co_await stream.async_connect(endpoints, use_tuple); ec) co_return 0;

  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, std::string(parsed->encoded_host_and_port()));
  request.set(http::field::user_agent, "metriport-sim");
  request.set(http::field::content_type, "application/json");
  request.set("x-metriport-signature", signature);
  request.keep_alive(false);
  request.body() = std::move(body);
  request.prepare_payload();
  if (auto [ec, n] = co_await http::async_write(stream, request, use_tuple); ec) co_return 0;

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  if (auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple); ec) {
    co_return 0;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return static_cast<int>(parser.get().result_int());
}

}  // namespace relay::sim
