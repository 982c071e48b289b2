// Slows password guessing on POST /token: after too many failures for one user name within a window,
// further attempts for that name are refused until the window has passed (in memory, per process).
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

  LoginThrottle(std::size_t max_failures = 10, std::chrono::seconds window = std::chrono::minutes(5),
                std::size_t max_tracked_names = 10000);

  // Zero when the name may try now; otherwise how long until it may.
  std::chrono::seconds retry_after(const std::string& user_name, Clock::time_point now);
  void record_failure(const std::string& user_name, Clock::time_point now);
  void record_success(const std::string& user_name);

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
