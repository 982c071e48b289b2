// VendorStore: VendorRepository's lookups, each a read-only transaction on a pool thread (the
// caller's coroutine resumes with the answer).
#include "adapters/postgres/vendor_store.hpp"

namespace relay::pg {

boost::asio::awaitable<std::optional<VendorCredentials>> VendorStore::find_by_name(
    const std::string& name) {
  co_return co_await pool_.run([&name](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return VendorRepository::find_by_name(tx, name);
  });
}

boost::asio::awaitable<std::optional<VendorCredentials>> VendorStore::find_by_id(std::int64_t id) {
  co_return co_await pool_.run([id](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return VendorRepository::find_by_id(tx, id);
  });
}

boost::asio::awaitable<std::vector<std::string>> VendorStore::list_names() {
  co_return co_await pool_.run([](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    return VendorRepository::list_names(tx);
  });
}

}  // namespace relay::pg
