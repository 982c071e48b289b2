// The simulator's own small HTTP/1.1 server: keep-alive sessions on strands, bounded header and
// body sizes, read timeouts, and a handler that may answer or drop the connection unanswered.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace relay::sim {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// A handler's verdict: an answer, or (nullopt) closing the connection without writing anything.
struct Reply {
  std::optional<Response> response;
};

using Handler = std::function<boost::asio::awaitable<Reply>(Request&)>;
// The largest body accepted for a request target; bigger announced bodies are answered 413.
using BodyLimit = std::function<std::size_t(std::string_view target)>;

struct ServerLimits {
  std::uint32_t header_limit_bytes = 16 * 1024;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds keep_alive_timeout{75};
};

class HttpServer {
 public:
  // Binds and listens at once (port 0 picks a free port); throws when it cannot.
  HttpServer(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
             Handler handler, BodyLimit body_limit, ServerLimits limits = {});
  ~HttpServer();

  std::uint16_t port() const { return port_; }
  // Starts accepting on the io_context; sessions run on their own strands.
  void start();
  // Stops accepting; open sessions end when the io_context stops.
  void stop();

  struct Shared;  // what the accept loop and the sessions share (defined in http_server.cpp)

 private:
  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<Shared> shared_;
  std::uint16_t port_ = 0;
};

}  // namespace relay::sim
