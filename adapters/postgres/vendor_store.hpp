// Vendor lookups for the vendor listener, each in its own read transaction: a login by name, the
// account behind a token, and every vendor name (POST /token tells known names from unknown ones).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/vendor_repository.hpp"

namespace relay::pg {

class VendorStore {
 public:
  explicit VendorStore(ConnectionPool& pool) : pool_(pool) {}

  boost::asio::awaitable<std::optional<VendorCredentials>> find_by_name(const std::string& name);
  boost::asio::awaitable<std::optional<VendorCredentials>> find_by_id(std::int64_t id);
  boost::asio::awaitable<std::vector<std::string>> list_names();

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
