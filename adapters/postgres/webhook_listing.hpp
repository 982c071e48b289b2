// Operators' listings of the webhook inbox and of refused webhooks, newest first with keyset
// paging, and counts by type and outcome. Never a payload or a refused body: ids, types, outcomes,
// reasons, sizes, hashes and times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/keyset_position.hpp"
#include "adapters/postgres/message_inspection_store.hpp"
#include "adapters/postgres/ops_summary_store.hpp"

namespace relay::pg {

struct TimeWindow {
  std::optional<domain::EpochMicros> from;  // inclusive
  std::optional<domain::EpochMicros> to;    // exclusive
};

struct WebhookQuery {
  std::optional<std::string> type;
  std::optional<std::string> outcome;  // "new" matches events not looked at yet
  TimeWindow window;
  std::optional<KeysetPosition> after;  // continue after this row
  int limit = 50;
};

struct WebhookPage {
  std::vector<InspectedWebhook> rows;
  std::optional<KeysetPosition> next;  // set when more rows follow
  // Counts by type and outcome over [counted_from, counted_to): the query's window, 24 hours back
  // from its end when it has no start. Type and outcome filters do not narrow them.
  std::vector<WebhookTally> counts;
  domain::EpochMicros counted_from = 0;
  domain::EpochMicros counted_to = 0;
};

struct WebhookRejection {
  std::int64_t id = 0;
  domain::EpochMicros received_at = 0;
  std::string reason;
  std::int64_t body_bytes = 0;
  std::string body_sha256;
};

struct RejectionQuery {
  TimeWindow window;
  std::optional<KeysetPosition> after;
  int limit = 50;
};

struct RejectionPage {
  std::vector<WebhookRejection> rows;
  std::optional<KeysetPosition> next;
};

class WebhookListing {
 public:
  explicit WebhookListing(ConnectionPool& pool) : pool_(pool) {}

  boost::asio::awaitable<WebhookPage> events(const WebhookQuery& query);
  boost::asio::awaitable<RejectionPage> rejections(const RejectionQuery& query);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
