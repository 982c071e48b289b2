// Slows password guessing on POST /token: after too many attempts for one user name in a window,
// further attempts for it are refused until the window has passed (in memory, per process).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace relay::auth {

enum class NameKind {
  vendor,   // an existing vendor's name: always tracked (there are only as many as vendors)
  unknown,  // no such vendor: tracked in a bounded table that refuses new names while full
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    std::chrono::seconds retry_after{0};  // zero: the attempt may proceed
    bool table_full = false;  // refused because the unknown-name table is full, not for the name
    bool allowed() const { return retry_after.count() == 0; }
  };

  LoginThrottle(std::size_t max_failures = 10,
                std::chrono::seconds window = std::chrono::minutes(5),
                std::size_t max_tracked_unknown_names = 10000);

  // Counts an attempt for the name before its password is checked, so parallel requests cannot
  // all slip under the limit. It never stops protecting: a vendor's name is always counted, and a
  // new unknown name that finds the table full is refused (until the oldest window ends) rather
  // than let through uncounted.
  Decision begin_attempt(const std::string& user_name, NameKind kind, Clock::time_point now);
  // A name counted as unknown turned out to be a vendor's (added since the names were read): its
  // attempts so far count as the vendor name's from now on.
  void mark_vendor(const std::string& user_name);
  // An attempt that never checked a password (the database was away): not counted after all.
  void cancel_attempt(const std::string& user_name, NameKind kind);
  // A successful login forgets the (vendor) name's attempts.
  void record_success(const std::string& user_name);
  // Uncounts an attempt that ended before any password was checked (the database was away), so
  // a client retrying through an outage is not locked out when it ends.
  void cancel_attempt(const std::string& user_name);

 private:
  struct Failures {
    std::size_t count = 0;
    Clock::time_point window_start;
  };
  Decision count(Failures& failures, Clock::time_point now) const;
  void forget_expired_unknown(Clock::time_point now);

  std::size_t max_failures_;
  std::chrono::seconds window_;
  std::size_t max_tracked_unknown_names_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> vendor_names_;
  std::unordered_map<std::string, Failures> unknown_names_;
  // Unknown names in the order their windows started (all windows are equally long, so they end
  // in this order too): expiry pops from the front instead of scanning the table.
  std::deque<std::string> unknown_order_;
};

}  // namespace relay::auth
