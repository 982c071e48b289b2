// A loopback TCP proxy for fault-injection tests: 127.0.0.1:port() forwards to an upstream server
// (e.g. the test PostgreSQL) until a test cuts the link, black-holes it, restores it or moves it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace relay::testing {

class TcpProxy {
 public:
  enum class Mode {
    forwarding,  // every accepted connection is forwarded to the upstream
    cut,         // nothing listens: connecting fails at once (ECONNREFUSED)
    black_hole,  // connections are accepted and never answered: clients wait for their timeouts
  };

  // Listens on a free loopback port and forwards at once; runs on its own thread.
  TcpProxy(std::string upstream_host, std::uint16_t upstream_port);
  ~TcpProxy();  // closes every connection and the listener, joins the thread
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::string host() const { return "127.0.0.1"; }
  // The same for the proxy's whole life: restore() listens on it again after a cut.
  std::uint16_t port() const;

  // Each returns once done. Every open connection is reset (both its sides), as when a server
  // dies or a link breaks; then the listener closes (cut), or stays open while connections are
  // accepted and held without a byte forwarded (black_hole), or forwards again (restore).
  void cut();
  void black_hole();
  void restore();
  // New connections go to this upstream from now on; open ones keep theirs (a failover).
  void set_upstream(std::string upstream_host, std::uint16_t upstream_port);

  Mode mode() const;
  std::size_t accepted() const;          // connections accepted so far, in any mode
  std::size_t open_connections() const;  // forwarded or held in the black hole right now

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace relay::testing
