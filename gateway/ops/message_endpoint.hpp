// GET /ops/api/messages/{id} and GET /ops/api/messages?vendor=&external_id=: one message for
// operators (message_view.hpp). ?reveal=1 adds its PHI, for admins only, audited before answering.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/message_inspection_store.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class MessageEndpoint {
 public:
  explicit MessageEndpoint(pg::ConnectionPool& pool) : store_(pool) {}

  // By id (path): 400 naming "id" unless a UUID; 404 when unknown.
  boost::asio::awaitable<http::Response> by_id(OpsRequest& request);
  // By vendor name and ExternalId (query): 400 naming the missing or malformed parameter.
  boost::asio::awaitable<http::Response> by_external_id(OpsRequest& request);

 private:
  // reveal: 403 (nothing read or written) below admin.
  boost::asio::awaitable<http::Response> answer(OpsRequest& request,
                                                const pg::MessageLocator& where, bool reveal);

  pg::MessageInspectionStore store_;
};

}  // namespace relay::ops
