// Keep-alive connections per origin (scheme/host/port), at most max_per_host open (idle + in use);
// callers beyond the cap wait FIFO until one frees or their deadline passes. Strand-protected.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "adapters/metriport/connection.hpp"
#include "adapters/metriport/url_origin.hpp"

namespace relay::metriport {

class ConnectionPool {
  struct State;

 public:
  using Clock = std::chrono::steady_clock;

  // One slot of an origin's cap, held by one exchange. take() gives the pooled connection to use
  // (null: open a new one); release() gives the slot back, keeping a reusable connection for the
  // next caller. Destroying an unreleased lease releases the slot without a connection.
  class Lease {
   public:
    Lease(std::shared_ptr<State> state, std::string key, std::unique_ptr<Connection> connection);
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    std::unique_ptr<Connection> take() { return std::move(connection_); }
    // Kept for reuse only when not null and connection->reusable().
    void release(std::unique_ptr<Connection> connection);

   private:
    std::shared_ptr<State> state_;
    std::string key_;
    std::unique_ptr<Connection> connection_;
  };

  ConnectionPool(boost::asio::any_io_executor executor, std::size_t max_per_host,
                 std::chrono::milliseconds idle_timeout);
  ~ConnectionPool();

  // A live idle connection of the origin (the most recently used one), or a free slot, or, when
  // max_per_host are in use, the first one released before `deadline`. nullopt past the deadline.
  // Idle connections past idle_timeout or closed by the server are dropped on the way.
  boost::asio::awaitable<std::optional<Lease>> acquire(const Origin& origin,
                                                       Clock::time_point deadline);

 private:
  static boost::asio::awaitable<std::optional<Lease>> acquire_on_strand(
      std::shared_ptr<State> state, std::string key, Clock::time_point deadline);

  std::shared_ptr<State> state_;
};

}  // namespace relay::metriport
