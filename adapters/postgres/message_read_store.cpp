// MessageReadStore: each read is a repeatable-read, read-only transaction (SnapshotRead), so a
// concurrent Draft update is never seen half-applied.
#include "adapters/postgres/message_read_store.hpp"

namespace relay::pg {

boost::asio::awaitable<std::optional<domain::StoredMessage>> MessageReadStore::find_by_external_id(
    std::int64_t vendor_id, const std::string& external_id) {
  co_return co_await pool_.run([vendor_id, &external_id](pqxx::connection& connection) {
    SnapshotRead tx(connection);
    return MessageRepository::find_by_external_id(tx, vendor_id, external_id);
  });
}

boost::asio::awaitable<SearchPage> MessageReadStore::search(std::int64_t vendor_id,
                                                            const SearchQuery& query) {
  co_return co_await pool_.run([vendor_id, &query](pqxx::connection& connection) {
    SnapshotRead tx(connection);
    return MessageRepository::search(tx, vendor_id, query);
  });
}

}  // namespace relay::pg
