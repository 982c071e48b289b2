// Operators' listing of the append-only audit trail: filters by actor, event, entity and time,
// newest first with keyset paging. Details come back as stored (they hold no PHI by rule).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/keyset_position.hpp"
#include "adapters/postgres/message_inspection_store.hpp"
#include "adapters/postgres/webhook_listing.hpp"

namespace relay::pg {

struct AuditQuery {
  std::optional<std::string> actor;  // exact: "operator:alice", "relay:<instance>", "vendor:3"
  std::optional<std::string> event;  // exact: "delivery.dead"
  std::optional<std::string> entity_type;
  std::optional<std::string> entity_id;
  TimeWindow window;
  std::optional<KeysetPosition> after;
  int limit = 50;
};

struct AuditPage {
  std::vector<InspectedAuditEvent> rows;
  std::optional<KeysetPosition> next;
};

class AuditListing {
 public:
  explicit AuditListing(ConnectionPool& pool) : pool_(pool) {}

  boost::asio::awaitable<AuditPage> list(const AuditQuery& query);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
