// The TTL cache behind ActiveVendors: entries are refreshed on expiry; concurrent refreshes of one
// vendor may both query, which is harmless (the answer is the same row).
#include "gateway/api/active_vendors.hpp"

namespace relay::api {

ActiveVendors::ActiveVendors(pg::ConnectionPool& pool, std::chrono::seconds ttl)
    : store_(pool), ttl_(ttl) {}

boost::asio::awaitable<std::optional<std::string>> ActiveVendors::active_name(
    std::int64_t vendor_id) {
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(vendor_id);
    if (found != entries_.end() && now - found->second.checked < ttl_) co_return found->second.name;
  }
  const auto vendor = co_await store_.find_by_id(vendor_id);
  const auto name =
      vendor && !vendor->disabled ? std::optional<std::string>(vendor->name) : std::nullopt;
  std::lock_guard lock(mutex_);
  entries_[vendor_id] = Entry{name, now};
  co_return name;
}

}  // namespace relay::api
