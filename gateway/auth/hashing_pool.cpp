// The hashing threads: each takes the vendor lane's oldest job before the unknown lane's, runs it
// and folds its duration into the moving average that tells callers how long a hash takes.
#include "gateway/auth/hashing_pool.hpp"

#include <algorithm>

namespace relay::auth {

HashingPool::HashingPool(std::size_t threads, std::size_t queue_limit,
                         std::size_t reserved_for_vendors,
                         std::chrono::microseconds initial_job_time)
    : queue_limit_(queue_limit),
      reserved_for_vendors_(std::min(reserved_for_vendors, queue_limit)),
      typical_micros_(initial_job_time.count()) {
  threads = std::max<std::size_t>(threads, 1);
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work_loop(); });
}

HashingPool::~HashingPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

bool HashingPool::lane_full(HashLane lane) const {
  std::lock_guard lock(mutex_);
  const std::size_t room =
      lane == HashLane::vendor ? queue_limit_ : queue_limit_ - reserved_for_vendors_;
  return stopping_ || waiting() >= room;
}

bool HashingPool::try_post(HashLane lane, std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    const std::size_t room =
        lane == HashLane::vendor ? queue_limit_ : queue_limit_ - reserved_for_vendors_;
    if (stopping_ || waiting() >= room) return false;
    (lane == HashLane::vendor ? vendor_jobs_ : unknown_jobs_).push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

std::chrono::microseconds HashingPool::typical_job_time() const {
  return std::chrono::microseconds(typical_micros_.load(std::memory_order_relaxed));
}

void HashingPool::work_loop() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || waiting() > 0; });
      if (stopping_) return;
      auto& lane = vendor_jobs_.empty() ? unknown_jobs_ : vendor_jobs_;
      job = std::move(lane.front());
      lane.pop_front();
    }
    const auto started = std::chrono::steady_clock::now();
    job();
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
    // Average over about the last 8 jobs; a lost update between threads only skews it a little.
    const auto previous = typical_micros_.load(std::memory_order_relaxed);
    typical_micros_.store(previous + (took - previous) / 8, std::memory_order_relaxed);
  }
}

}  // namespace relay::auth
