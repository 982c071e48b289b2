// The operators' delivery listing: a filtered, keyset-paged read (newest first) with the total of
// everything the filter matches. Rows carry raw values; the operations API masks what may be PHI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/domain/message.hpp"
#include "gateway/domain/ops/delivery_cursor.hpp"
#include "gateway/domain/ops/delivery_filter.hpp"

namespace relay::pg {

struct DeliveryListRow {
  std::int64_t id = 0;
  std::string message_id;
  std::string vendor;
  std::string sender;  // FromSecureRecipientExternalId
  int patient_position = 0;
  std::string patient_external_id;  // in full: the caller masks it
  std::string state;
  int priority = 1;  // 0 Low, 1 Normal, 2 High
  int attempts = 0;
  std::optional<domain::EpochMicros> next_attempt_at;
  domain::EpochMicros created_at = 0;
  domain::EpochMicros updated_at = 0;
  std::optional<domain::EpochMicros> accepted_at;
  std::optional<domain::EpochMicros> completed_at;
  std::vector<std::string> metriport_message_ids;  // recorded ids of its sends, by part
  bool flagged = false;                            // accepted and unconfirmed for too long
  std::optional<std::string> last_error;           // in full: the caller summarises it
};

struct DeliveryListPage {
  std::vector<DeliveryListRow> rows;
  std::int64_t total = 0;  // every delivery the filter matches, not only this page
  std::optional<domain::ops::DeliveryCursor> next;  // the last row's key when more rows follow
};

class DeliveryListStore {
 public:
  explicit DeliveryListStore(ConnectionPool& pool) : pool_(pool) {}

  // Up to limit rows older than after (or the newest), ordered by (created_at, id) descending.
  boost::asio::awaitable<DeliveryListPage> list(
      const domain::ops::DeliveryFilter& filter,
      const std::optional<domain::ops::DeliveryCursor>& after, int limit);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
