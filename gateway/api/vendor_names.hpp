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
#include "adapters/postgres/vendor_store.hpp"

namespace relay::api {

class VendorNames {
 public:
  using Clock = std::chrono::steady_clock;

  VendorNames(pg::ConnectionPool& pool, std::chrono::milliseconds min_reload_interval);

  // True when the name is among the vendor names known to this process (no query).
  bool contains(const std::string& name) const;
  // Records a vendor name found in the database since the names were last read.
  void add(const std::string& name);
  // Reads every vendor name again (names are only ever added: vendors are disabled, never
  // deleted), unless a reload is running or began less than
  // min_reload_interval ago (then returns at once): one query per interval at most, however many
  // callers ask. Database failures propagate.
  boost::asio::awaitable<void> reload_if_due();

 private:
  pg::VendorStore store_;
  std::chrono::milliseconds min_reload_interval_;
  mutable std::mutex mutex_;
  std::unordered_set<std::string> names_;
  bool reloading_ = false;
  std::optional<Clock::time_point> last_started_;
};

}  // namespace relay::api
