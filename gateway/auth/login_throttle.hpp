// Slows password guessing on POST /token: after too many attempts for one user name in a window,
// further attempts for it are refused until the window has passed (in memory, per process).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace relay::auth {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  LoginThrottle(std::size_t max_failures = 10,
                std::chrono::seconds window = std::chrono::minutes(5),
                std::size_t max_tracked_names = 10000);

  // Counts an attempt for the name before its password is checked, so parallel requests cannot
  // all slip under the limit. Zero when the attempt may proceed; otherwise how long until one may.
  std::chrono::seconds begin_attempt(const std::string& user_name, Clock::time_point now);
  // A successful login forgets the name's attempts.
  void record_success(const std::string& user_name);
  // Uncounts an attempt that ended before any password was checked (the database was away), so
  // a client retrying through an outage is not locked out when it ends.
  void cancel_attempt(const std::string& user_name);

 private:
  struct Failures {
    std::size_t count = 0;
    Clock::time_point window_start;
  };
  void forget_expired(Clock::time_point now);

  std::size_t max_failures_;
  std::chrono::seconds window_;
  std::size_t max_tracked_names_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> failures_;
};

}  // namespace relay::auth
