// A small HTTP/1.1 client over the connection pool: one call is one exchange with a deadline,
// repeated once on a new connection only when a reused keep-alive connection failed safely.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "adapters/metriport/connection_pool.hpp"
#include "adapters/metriport/http_exchange.hpp"

namespace relay::metriport {

struct HttpClientSettings {
  std::chrono::milliseconds connect_timeout{10'000};
  std::size_t max_connections_per_host = 16;
  std::chrono::milliseconds idle_timeout{4'000};
  std::size_t max_answer_bytes = 8 * 1024 * 1024;
  std::optional<std::string> ca_file;
};

// Thread-safe: exchanges may run concurrently from any thread of the executor's io_context. The
// client must outlive its exchanges. Sends Host, User-Agent: relay-gateway, Content-Length.
class HttpClient {
 public:
  // Throws when ca_file cannot be loaded.
  HttpClient(boost::asio::any_io_executor executor, HttpClientSettings settings);

  boost::asio::awaitable<ExchangeResult> exchange(const HttpRequest& request);

 private:
  boost::asio::any_io_executor executor_;
  HttpClientSettings settings_;
  boost::asio::ssl::context tls_;
  ConnectionPool pool_;
};

}  // namespace relay::metriport
