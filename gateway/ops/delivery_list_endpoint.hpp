// GET /ops/api/deliveries (viewer): deliveries matching the filter, newest first, keyset-paged with
// an opaque cursor, with the total; patient ids masked and errors cut to their class (no PHI).
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/delivery_list_store.hpp"
#include "gateway/domain/ops/delivery_cursor.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class DeliveryListEndpoint {
 public:
  DeliveryListEndpoint(pg::DeliveryListStore& store, const domain::ops::CursorCodec& cursors)
      : store_(store), cursors_(cursors) {}

  // 200 {"deliveries":[...],"total":N,"next_cursor":"..."|null}; 400 naming the parameter for a
  // bad filter value, limit or cursor (one this server did not make, or altered).
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::DeliveryListStore& store_;
  const domain::ops::CursorCodec& cursors_;
};

}  // namespace relay::ops
