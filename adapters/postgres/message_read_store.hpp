// The vendor API's reads of its own messages, each in one read-only snapshot: a message by its
// ExternalId, and a page of the message search.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "gateway/domain/message.hpp"

namespace relay::pg {

class MessageReadStore {
 public:
  explicit MessageReadStore(ConnectionPool& pool) : pool_(pool) {}

  boost::asio::awaitable<std::optional<domain::StoredMessage>> find_by_external_id(
      std::int64_t vendor_id, const std::string& external_id);
  boost::asio::awaitable<SearchPage> search(std::int64_t vendor_id, const SearchQuery& query);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
