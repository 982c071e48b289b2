// Whether a token's vendor is still enabled, checked in PostgreSQL at most once per vendor per TTL,
// so `relay-gateway vendor disable` revokes live tokens within the TTL without a query per request.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/vendor_store.hpp"

namespace relay::api {

class ActiveVendors {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ActiveVendors(pg::ConnectionPool& pool,
                         std::chrono::seconds ttl = std::chrono::seconds(30));

  // The vendor's name while it is enabled; nullopt for a disabled or deleted vendor.
  boost::asio::awaitable<std::optional<std::string>> active_name(std::int64_t vendor_id);

 private:
  struct Entry {
    std::optional<std::string> name;  // nullopt: disabled or deleted
    Clock::time_point checked;
  };

  pg::VendorStore store_;
  std::chrono::seconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Entry> entries_;
};

}  // namespace relay::api
