// The TTL cache behind ActiveVendors: entries are refreshed on expiry; concurrent refreshes of one
// vendor may both query, which is harmless (the answer is the same row).
#include "gateway/api/active_vendors.hpp"

#include "adapters/postgres/vendor_repository.hpp"

namespace relay::api {

ActiveVendors::ActiveVendors(pg::ConnectionPool& pool, std::chrono::seconds ttl)
    : pool_(pool), ttl_(ttl) {}

boost::asio::awaitable<std::optional<std::string>> ActiveVendors::active_name(
    std::int64_t vendor_id) {
  const auto now = Clock::now();
  {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(vendor_id);
    if (found != entries_.end() && now - found->second.checked < ttl_) co_return found->second.name;
  }
  auto name = co_await pool_.run([vendor_id](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    const auto vendor = pg::VendorRepository::find_by_id(tx, vendor_id);
    return vendor && !vendor->disabled ? std::optional<std::string>(vendor->name) : std::nullopt;
  });
  std::lock_guard lock(mutex_);
  entries_[vendor_id] = Entry{name, now};
  co_return name;
}

}  // namespace relay::api
