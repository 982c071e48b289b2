// Runs client coroutines for the transport tests on a two-thread io_context (as the gateway does),
// waiting for each with a hard limit so a broken client fails a test instead of hanging it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace relay::metriport::test_support {

class ClientRunner {
 public:
  explicit ClientRunner(int threads = 2) : guard_(io_.get_executor()) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~ClientRunner() {
    guard_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
  }
  ClientRunner(const ClientRunner&) = delete;
  ClientRunner& operator=(const ClientRunner&) = delete;

  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  // Runs `body` (a callable returning awaitable<T>) and answers its value.
  template <class Body>
  auto run(Body body, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    auto future = boost::asio::co_spawn(io_, std::move(body), boost::asio::use_future);
    BOOST_REQUIRE_MESSAGE(future.wait_for(limit) == std::future_status::ready,
                          "client call did not finish in time");
    return future.get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

}  // namespace relay::metriport::test_support
