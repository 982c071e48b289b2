// Fixed-window attempt counting per user name (counted before the check, cleared on success,
// uncounted when no check took place);
// memory is bounded: expired windows are dropped, and a full table tracks no new names.
#include "gateway/auth/login_throttle.hpp"

namespace relay::auth {

LoginThrottle::LoginThrottle(std::size_t max_failures, std::chrono::seconds window,
                             std::size_t max_tracked_names)
    : max_failures_(max_failures), window_(window), max_tracked_names_(max_tracked_names) {}

std::chrono::seconds LoginThrottle::begin_attempt(const std::string& user_name,
                                                  Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = failures_.find(user_name);
  if (found != failures_.end() && now >= found->second.window_start + window_) {
    failures_.erase(found);
    found = failures_.end();
  }
  if (found == failures_.end()) {
    if (failures_.size() >= max_tracked_names_) forget_expired(now);
    if (failures_.size() < max_tracked_names_) failures_.emplace(user_name, Failures{1, now});
    return std::chrono::seconds(0);
  }
  if (found->second.count >= max_failures_) {
    return std::chrono::ceil<std::chrono::seconds>(found->second.window_start + window_ - now);
  }
  ++found->second.count;
  return std::chrono::seconds(0);
}

void LoginThrottle::record_success(const std::string& user_name) {
  std::lock_guard lock(mutex_);
  failures_.erase(user_name);
}

void LoginThrottle::cancel_attempt(const std::string& user_name) {
  std::lock_guard lock(mutex_);
  const auto found = failures_.find(user_name);
  if (found == failures_.end()) return;
  if (found->second.count <= 1) {
    failures_.erase(found);
  } else {
    --found->second.count;
  }
}

void LoginThrottle::forget_expired(Clock::time_point now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    it = now >= it->second.window_start + window_ ? failures_.erase(it) : std::next(it);
  }
}

}  // namespace relay::auth
