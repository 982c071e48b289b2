// Unit tests for the bounded hashing pool: a full lane refuses at once (the job is neither queued
// nor run), the vendors' reserve, vendor jobs first, and run() resuming a coroutine with the
// result.
#include <boost/test/unit_test.hpp>

#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "gateway/auth/hashing_pool.hpp"

using relay::auth::HashingPool;
using relay::auth::HashLane;
using namespace std::chrono_literals;

namespace {
// Occupies the pool's only thread until release(), so what is posted meanwhile stays queued.
struct Blocker {
  std::promise<void> started;
  std::promise<void> release_signal;
  std::shared_future<void> released = release_signal.get_future().share();

  void occupy(HashingPool& pool) {
    BOOST_REQUIRE(pool.try_post(HashLane::vendor, [this] {
      started.set_value();
      released.wait();
    }));
    started.get_future().wait();
  }
  void release() { release_signal.set_value(); }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(hashing_pool)

BOOST_AUTO_TEST_CASE(a_full_lane_refuses_without_queueing_and_vendors_keep_their_reserve) {
  HashingPool pool(1, 3, 2, 1ms);  // three may wait; unknown names may fill only one place
  Blocker blocker;
  blocker.occupy(pool);

  std::mutex mutex;
  std::vector<std::string> ran;
  std::promise<void> all_done;
  int remaining = 3;
  const auto job = [&](std::string name) {
    return [&, name] {
      std::lock_guard lock(mutex);
      ran.push_back(name);
      if (--remaining == 0) all_done.set_value();
    };
  };
  BOOST_TEST(pool.try_post(HashLane::unknown, job("unknown-1")));
  BOOST_TEST(pool.lane_full(HashLane::unknown));
  BOOST_TEST(!pool.try_post(HashLane::unknown, job("unknown-2")));  // refused, never run
  BOOST_TEST(!pool.lane_full(HashLane::vendor));
  BOOST_TEST(pool.try_post(HashLane::vendor, job("vendor-1")));
  BOOST_TEST(pool.try_post(HashLane::vendor, job("vendor-2")));
  BOOST_TEST(pool.lane_full(HashLane::vendor));
  BOOST_TEST(!pool.try_post(HashLane::vendor, job("vendor-3")));

  blocker.release();
  all_done.get_future().wait();
  std::lock_guard lock(mutex);
  // Vendors' jobs run before the unknown name's that was queued first; the refused never run.
  BOOST_TEST(ran == (std::vector<std::string>{"vendor-1", "vendor-2", "unknown-1"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(run_resumes_the_coroutine_with_the_result_or_nullopt_when_refused) {
  HashingPool pool(1, 1, 0, 1ms);
  Blocker blocker;
  blocker.occupy(pool);
  std::promise<void> queued_ran;
  BOOST_REQUIRE(
      pool.try_post(HashLane::unknown, [&] { queued_ran.set_value(); }));  // the only place

  boost::asio::io_context io;
  std::optional<int> refused = 7;
  std::optional<int> computed;
  std::string error;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        refused = co_await pool.run(HashLane::unknown, [] { return 1; });
        blocker.release();
        queued_ran.get_future().wait();  // the queue has room again
        computed = co_await pool.run(HashLane::unknown, [] { return 42; });
        try {
          (void)co_await pool.run(HashLane::vendor,
                                  []() -> int { throw std::runtime_error("hash failed"); });
        } catch (const std::runtime_error& failure) {
          error = failure.what();
        }
      },
      boost::asio::detached);
  io.run();
  BOOST_TEST(!refused.has_value());
  BOOST_REQUIRE(computed.has_value());
  BOOST_TEST(*computed == 42);
  BOOST_TEST(error == "hash failed");
}

BOOST_AUTO_TEST_CASE(typical_job_time_starts_at_the_given_value) {
  HashingPool pool(1, 1, 0, 123ms);
  BOOST_TEST(pool.typical_job_time().count() == 123000);
}

BOOST_AUTO_TEST_SUITE_END()
