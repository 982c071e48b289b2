// The names of all vendors, kept in memory so POST /token tells an existing vendor's name from an
// unknown one without a query per request (a flood of random names cannot take the database).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"

namespace relay::api {

class VendorNames {
 public:
  using Clock = std::chrono::steady_clock;

  VendorNames(pg::ConnectionPool& pool, std::chrono::milliseconds min_refresh_interval);

  // True when a vendor (enabled or not) has this name. A name not in memory is looked for again in
  // the names read by a refresh that began after this call did, so a vendor added a moment ago is
  // found; refreshes run one at a time, at most one per min_refresh_interval, shared by every
  // caller waiting for one (an unknown name may wait that long, on a timer).
  boost::asio::awaitable<bool> contains(const std::string& name);

 private:
  boost::asio::awaitable<void> refresh(Clock::time_point started);

  pg::ConnectionPool& pool_;
  std::chrono::milliseconds min_refresh_interval_;
  std::mutex mutex_;
  std::unordered_set<std::string> names_;
  bool refreshing_ = false;
  std::optional<Clock::time_point> last_started_;  // the latest refresh begun
  std::optional<Clock::time_point> fresh_as_of_;   // when the latest completed refresh began
};

}  // namespace relay::api
