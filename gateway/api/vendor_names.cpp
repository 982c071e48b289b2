// The name set behind VendorNames: grown by names found in the database and by reloads that run
// one at a time (a flag under the mutex), at most once per interval. Vendors are never deleted.
#include "gateway/api/vendor_names.hpp"

#include <exception>
#include <vector>

#include "adapters/postgres/vendor_store.hpp"

namespace relay::api {

VendorNames::VendorNames(pg::ConnectionPool& pool, std::chrono::milliseconds min_reload_interval)
    : store_(pool), min_reload_interval_(min_reload_interval) {}

bool VendorNames::contains(const std::string& name) const {
  std::lock_guard lock(mutex_);
  return names_.contains(name);
}

void VendorNames::add(const std::string& name) {
  std::lock_guard lock(mutex_);
  names_.insert(name);
}

boost::asio::awaitable<void> VendorNames::reload_if_due() {
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (reloading_ || (last_started_ && now - *last_started_ < min_reload_interval_)) co_return;
    reloading_ = true;
    last_started_ = now;
  }
  std::vector<std::string> names;
  std::exception_ptr failure;
  try {
    names = co_await store_.list_names();
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    reloading_ = false;
    if (!failure) names_.insert(names.begin(), names.end());
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace relay::api
