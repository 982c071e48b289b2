// The HTTP/1.1 server: binds the listen address, accepts connections (one coroutine each, see
// session.hpp), enforces the connection cap (evicting silent connections first) and drains.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "gateway/config/config.hpp"
#include "gateway/http/body_budget.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::http {

class ServerState;

// Thread-safe: the io_context may be run by any number of threads (settings.threads in main).
// Destroy the Server after begin_shutdown has drained or after the io_context has stopped.
class Server {
 public:
  // precheck may be empty (every request goes on to its body). body_limits bound the bytes of
  // request bodies held at once (per lane and per client) and the slowest acceptable upload;
  // hints say which lane a body belongs to and which paths are liveness probes.
  Server(boost::asio::io_context& io, config::HttpSettings settings, RequestHandler handler,
         TransportErrorResponder on_error, RequestPrecheck precheck, BodyLimits body_limits = {},
         TransportHints hints = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on settings.listen_host:listen_port and starts accepting. Throws
  // std::system_error when the address cannot be resolved or bound, std::logic_error if called
  // twice.
  void start();

  // The bound port (listen_port 0 picks a free one); 0 before start().
  std::uint16_t port() const;

  // Stops accepting, lets in-flight requests finish and be answered (with Connection: close),
  // closes idle keep-alive connections at once. on_drained is posted to the io_context once, when
  // every session ended or settings.shutdown_grace passed (remaining connections are then closed).
  // Later calls are ignored.
  void begin_shutdown(std::function<void()> on_drained);

  // Connections being served (not counting those being answered 503).
  std::size_t active_connections() const;

  // Body bytes currently reserved in the shared lane (body_limits.max_inflight_body_bytes) and in
  // the reserved lane (body_limits.reserved_lane_bytes).
  std::size_t inflight_body_bytes() const;
  std::size_t reserved_lane_body_bytes() const;

 private:
  std::shared_ptr<ServerState> state_;
};

}  // namespace relay::http
