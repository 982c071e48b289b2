// Password hashing on threads of its own with a bounded queue in two lanes: attempts for existing
// vendor names go first and have reserved room, so a flood of unknown names cannot delay them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace relay::auth {

enum class HashLane {
  vendor,   // the user name belongs to a vendor: served first, may use the whole queue
  unknown,  // no such vendor (the decoy hash): may use the queue less the vendors' reserve
};

class HashingPool {
 public:
  // threads >= 1. queue_limit: jobs waiting (not yet running) in both lanes together;
  // reserved_for_vendors (<= queue_limit) of them only the vendor lane may fill.
  // typical_job_time() starts at initial_job_time (e.g. one hash timed at start).
  HashingPool(std::size_t threads, std::size_t queue_limit, std::size_t reserved_for_vendors,
              std::chrono::microseconds initial_job_time);
  // Lets running jobs finish; jobs still queued are dropped without running.
  ~HashingPool();
  HashingPool(const HashingPool&) = delete;
  HashingPool& operator=(const HashingPool&) = delete;

  // Queues the job unless its lane is full; false (the job neither queued nor run) when it is.
  bool try_post(HashLane lane, std::function<void()> job);
  // True when try_post(lane, ...) would refuse now.
  bool lane_full(HashLane lane) const;
  // How long one job has taken lately (a moving average over about 8 jobs).
  std::chrono::microseconds typical_job_time() const;

  // Runs work() on a hashing thread and resumes the awaiting coroutine on its own executor with
  // the result (or work's exception); nullopt at once, without running work, when the lane is full.
  template <class F>
  auto run(HashLane lane, F work) {
    using Result = std::invoke_result_t<F>;
    using Signature = void(std::exception_ptr, std::optional<Result>);
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, Signature>(
        [this, lane](auto handler, F work) {
          auto executor = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                              boost::asio::execution::outstanding_work.tracked);
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          const bool queued = try_post(lane, [shared, executor, work = std::move(work)]() mutable {
            std::exception_ptr error;
            std::optional<Result> value;
            try {
              value.emplace(work());
            } catch (...) {
              error = std::current_exception();
            }
            boost::asio::post(executor, [shared, error, value = std::move(value)]() mutable {
              (*shared)(error, std::move(value));
            });
          });
          if (!queued) {
            boost::asio::post(executor,
                              [shared]() mutable { (*shared)(nullptr, std::optional<Result>()); });
          }
        },
        boost::asio::use_awaitable, std::move(work));
  }

 private:
  void work_loop();
  std::size_t waiting() const { return vendor_jobs_.size() + unknown_jobs_.size(); }

  std::size_t queue_limit_;
  std::size_t reserved_for_vendors_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> vendor_jobs_;
  std::deque<std::function<void()>> unknown_jobs_;
  bool stopping_ = false;
  std::atomic<std::int64_t> typical_micros_;
  std::vector<std::thread> threads_;
};

}  // namespace relay::auth
