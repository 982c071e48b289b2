// One exchange: validate the URL and headers, take a pooled connection or open one (under the
// connect timeout), write and read (under the request deadline), give the connection back.
#include "adapters/metriport/http_client.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <utility>

#include "adapters/metriport/classification.hpp"
#include "adapters/metriport/tls_context.hpp"
#include "gateway/log/log.hpp"

namespace relay::metriport {
namespace {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

TransportFailure invalid_request(std::string detail) {
  TransportFailure failure;
  failure.stage = FailureStage::request;
  failure.detail = std::move(detail);
  return failure;
}

bool has_line_break(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::optional<std::string> build_request(const HttpRequest& request, const ParsedUrl& url,
                                         OutgoingRequest& out) {
  out.method(request.method);
  out.target(url.target);
  out.version(11);
  out.set(bhttp::field::host, url.host_header);
  out.set(bhttp::field::user_agent, "relay-gateway");
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || has_line_break(name) || has_line_break(value)) {
      return "header with an empty name or a line break";
    }
    out.set(name, value);
  }
  out.body() = boost::span<const char>(request.body.data(), request.body.size());
  out.prepare_payload();
  return std::nullopt;
}
}  // namespace

HttpClient::HttpClient(asio::any_io_executor executor, HttpClientSettings settings)
    : executor_(executor),
      settings_(std::move(settings)),
      tls_(make_client_tls_context(settings_.ca_file)),
      pool_(executor, settings_.max_connections_per_host, settings_.idle_timeout) {}

asio::awaitable<ExchangeResult> HttpClient::exchange(const HttpRequest& request) {
  const auto deadline = Clock::now() + request.timeout;
  const auto url = parse_http_url(request.url);
  if (!url) co_return invalid_request("not an absolute http(s) URL");
  OutgoingRequest out;
  if (auto problem = build_request(request, *url, out)) co_return invalid_request(*problem);

  auto lease = co_await pool_.acquire(url->origin, deadline);
  if (!lease) {
    TransportFailure failure;
    failure.stage = FailureStage::pool_wait;
    failure.kind = FailureKind::timeout;
    co_return failure;
  }
  std::unique_ptr<Connection> connection = lease->take();
  for (int attempt = 0;; ++attempt) {
    if (!connection) {
      const auto connect_deadline = std::min(deadline, Clock::now() + settings_.connect_timeout);
      OpenResult opened = co_await Connection::open(executor_, url->origin, tls_, connect_deadline);
      if (auto* failure = std::get_if<TransportFailure>(&opened)) co_return std::move(*failure);
      connection = std::move(std::get<std::unique_ptr<Connection>>(opened));
    }
    ExchangeResult result =
        co_await connection->exchange(out, deadline, settings_.max_answer_bytes);
    if (std::holds_alternative<HttpAnswer>(result)) {
      lease->release(std::move(connection));
      co_return result;
    }
    connection.reset();
    const auto& failure = std::get<TransportFailure>(result);
    if (attempt == 0 && Clock::now() < deadline &&
        may_retry_on_new_connection(failure, is_idempotent(request.method))) {
      log::write(log::Level::debug, "metriport.stale_connection_retried",
                 {{"origin", url->origin.key()}});
      continue;
    }
    co_return result;
  }
}

}  // namespace relay::metriport
