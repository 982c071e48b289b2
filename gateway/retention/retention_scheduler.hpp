// Runs retention passes in a serve process: one right after start, then every interval, each under
// the store's cross-process lock; stops between two transactions when the process stops.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/retention_store.hpp"
#include "gateway/config/config.hpp"
#include "gateway/retention/retention_observer.hpp"

namespace relay::retention {

// The policy a pass applies, from the configuration.
pg::RetentionPolicy policy_from(const config::RetentionSettings& settings);

// A process skips its turn when any process finished a pass more recently than this (so a fleet
// prunes about once per interval, however many processes it has).
std::chrono::seconds min_gap_for(std::chrono::seconds interval);

class RetentionScheduler {
 public:
  // instance names this process in the audit actor "retention:<instance>"; observer may be null.
  RetentionScheduler(boost::asio::any_io_executor executor, const config::Config& config,
                     std::string instance, RetentionObserver* observer = nullptr);
  ~RetentionScheduler();
  RetentionScheduler(const RetentionScheduler&) = delete;
  RetentionScheduler& operator=(const RetentionScheduler&) = delete;

  void start();
  // Ends the wait or the pass (after its current transaction); on_stopped is called once, on the
  // executor, when the loop has returned.
  void begin_stop(std::function<void()> on_stopped);

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> run_once();
  void loop_finished();

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  config::RetentionSettings settings_;
  std::string actor_;
  RetentionObserver* observer_;
  pg::ConnectionPool pool_;  // one connection: a pass holds it (and the lock) throughout
  pg::RetentionStore store_;
  boost::asio::steady_timer timer_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  bool running_ = false;
  std::function<void()> on_stopped_;
};

}  // namespace relay::retention
