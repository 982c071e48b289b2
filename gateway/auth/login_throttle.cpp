// Fixed-window attempt counting per user name (counted before the check, cleared on success,
// uncounted when no check took place); unknown names live in a capped table that refuses.
#include "gateway/auth/login_throttle.hpp"

#include <algorithm>

namespace relay::auth {

LoginThrottle::LoginThrottle(std::size_t max_failures, std::chrono::seconds window,
                             std::size_t max_tracked_unknown_names)
    : max_failures_(max_failures),
      window_(window),
      max_tracked_unknown_names_(std::max<std::size_t>(max_tracked_unknown_names, 1)) {}

LoginThrottle::Decision LoginThrottle::count(Failures& failures, Clock::time_point now) const {
  if (failures.count >= max_failures_) {
    return {std::chrono::ceil<std::chrono::seconds>(failures.window_start + window_ - now), false};
  }
  ++failures.count;
  return {};
}

LoginThrottle::Decision LoginThrottle::begin_attempt(const std::string& user_name, NameKind kind,
                                                     Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (kind == NameKind::vendor) {
    auto [found, inserted] = vendor_names_.try_emplace(user_name, Failures{0, now});
    if (!inserted && now >= found->second.window_start + window_) found->second = {0, now};
    return count(found->second, now);
  }
  forget_expired_unknown(now);
  if (const auto found = unknown_names_.find(user_name); found != unknown_names_.end()) {
    return count(found->second, now);
  }
  if (unknown_names_.size() >= max_tracked_unknown_names_) {
    // Fail closed: refuse until the oldest tracked window ends and makes room.
    const auto oldest = unknown_names_.at(unknown_order_.front()).window_start;
    return {std::max(std::chrono::seconds(1),
                     std::chrono::ceil<std::chrono::seconds>(oldest + window_ - now)),
            true};
  }
  unknown_names_.emplace(user_name, Failures{0, now});
  unknown_order_.push_back(user_name);
  return count(unknown_names_.at(user_name), now);
}

void LoginThrottle::mark_vendor(const std::string& user_name) {
  std::lock_guard lock(mutex_);
  // The unknown entry stays until its window ends (that table forgets in window order only).
  if (const auto found = unknown_names_.find(user_name); found != unknown_names_.end()) {
    vendor_names_.try_emplace(user_name, found->second);
  }
}

void LoginThrottle::record_success(const std::string& user_name) {
  std::lock_guard lock(mutex_);
  vendor_names_.erase(user_name);
}

void LoginThrottle::cancel_attempt(const std::string& user_name, NameKind kind) {
  std::lock_guard lock(mutex_);
  auto& table = kind == NameKind::vendor ? vendor_names_ : unknown_names_;
  const auto found = table.find(user_name);
  // Unknown entries stay until their window ends (that table forgets in window order only).
  if (found != table.end() && found->second.count > 0) --found->second.count;
}

void LoginThrottle::forget_expired_unknown(Clock::time_point now) {
  while (!unknown_order_.empty()) {
    const auto found = unknown_names_.find(unknown_order_.front());
    if (now < found->second.window_start + window_) return;
    unknown_names_.erase(found);
    unknown_order_.pop_front();
  }
}

}  // namespace relay::auth
