// A pool of libpqxx connections served by its own threads, so HTTP I/O threads never block.
// run(f) runs f(connection) on a database thread and resumes the awaiting coroutine with it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <pqxx/pqxx>

#include "adapters/postgres/outage.hpp"
#include "adapters/postgres/pool_observer.hpp"

namespace relay::pg {

class ConnectionPool {
 public:
  // Opens `size` connections lazily; `url` is a libpq connection string or URI (connect_timeout is
  // added unless it sets one: with_default_connect_timeout). observer (may be null, not owned, must
  // outlive the pool) hears of every lease.
  ConnectionPool(std::string url, std::size_t size, PoolObserver* observer = nullptr);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Runs f(pqxx::connection&) on a database thread; exceptions propagate to the awaiting coroutine.
  // A connection found broken (or on a read-only standby) is dropped and reopened on next use.
  // While the database is unreachable, only one caller at a time tries to connect, and none in the
  // second after a failed attempt: the others get pqxx::broken_connection at once, so no request
  // queues behind connection attempts that each may take up to connect_timeout.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F, pqxx::connection&>> run(F f) {
    using Result = std::invoke_result_t<F, pqxx::connection&>;
    const auto requested = Clock::now();  // the wait for a database thread counts as acquiring
    if constexpr (std::is_void_v<Result>) {
      co_await boost::asio::co_spawn(
          threads_.get_executor(),
          [this, f = std::move(f), requested]() mutable -> boost::asio::awaitable<void> {
            with_connection<void>(f, requested);
            co_return;
          },
          boost::asio::use_awaitable);
    } else {
      // co_spawn needs a default-constructible result; optional<Result> is one for any Result.
      auto result = co_await boost::asio::co_spawn(
          threads_.get_executor(),
          [this, f = std::move(f),
           requested]() mutable -> boost::asio::awaitable<std::optional<Result>> {
            co_return std::optional<Result>(with_connection<Result>(f, requested));
          },
          boost::asio::use_awaitable);
      co_return std::move(*result);
    }
  }

  // Blocking form for the CLI and tests (never call it from an I/O thread).
  template <class F>
  std::invoke_result_t<F, pqxx::connection&> run_blocking(F f) {
    return with_connection<std::invoke_result_t<F, pqxx::connection&>>(f, Clock::now());
  }

  // Waits for queued work, then closes every connection; later acquisitions throw.
  void stop();

 private:
  class Lease;
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<pqxx::connection> acquire();
  std::unique_ptr<pqxx::connection> connect(std::unique_lock<std::mutex>& lock);
  void release(std::unique_ptr<pqxx::connection> connection, bool healthy);

  template <class Result, class F>
  Result with_connection(F& f, Clock::time_point requested) {
    auto connection = acquire();
    if (observer_ != nullptr) observer_->on_acquired(Clock::now() - requested);
    try {
      if constexpr (std::is_void_v<Result>) {
        f(*connection);
        release(std::move(connection), true);
      } else {
        Result result = f(*connection);
        release(std::move(connection), true);
        return result;
      }
    } catch (const pqxx::broken_connection&) {
      release(std::move(connection), false);
      throw;
    } catch (const std::exception& failure) {
      // Decided before the move below.
      const bool healthy = connection && connection->is_open() && !needs_new_connection(failure);
      release(std::move(connection), healthy);
      throw;
    } catch (...) {
      const bool healthy = connection && connection->is_open();  // before the move below
      release(std::move(connection), healthy);
      throw;
    }
  }

  std::string url_;
  std::size_t size_;
  PoolObserver* observer_;
  boost::asio::thread_pool threads_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::size_t open_ = 0;
  bool stopped_ = false;
  // Connection attempts: how many are under way, and whether the last one failed (and when).
  std::size_t connecting_ = 0;
  bool unreachable_ = false;
  Clock::time_point last_connect_failure_{};
};

}  // namespace relay::pg
