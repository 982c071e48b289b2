// GET /ops/api/audit: the audit trail filtered by actor, action (event name), entity and time,
// newest first with keyset paging; each event's detail as stored.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/audit_listing.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class AuditEndpoint {
 public:
  explicit AuditEndpoint(pg::ConnectionPool& pool) : listing_(pool) {}

  // Parameters: actor, action, entity_type, entity_id, from, to, cursor, limit.
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::AuditListing listing_;
};

}  // namespace relay::ops
