// POST /ops/api/deliveries/{id}/retry|cancel and POST /ops/api/deliveries/retry|cancel (operator):
// one delivery, or every delivery the list's filter matches (never "the current page"), with
// dry_run previews and the per-call cap.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "gateway/http/http_types.hpp"
#include "gateway/ops/delivery_actions.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class DeliveryActionEndpoint {
 public:
  DeliveryActionEndpoint(DeliveryActions& actions, DeliveryAction action)
      : actions_(actions), action_(action) {}

  // Path parameter {id}. 200 {"delivery_id","matched":1,"changed","skipped","state"} (skipped:
  // the move is not legal from its state), or with dry_run=true {"delivery_id","matched",
  // "would_change","state"}; 400 naming id or dry_run; 404 for an unknown delivery.
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  DeliveryActions& actions_;
  DeliveryAction action_;
};

class BulkDeliveryActionEndpoint {
 public:
  BulkDeliveryActionEndpoint(DeliveryActions& actions, DeliveryAction action)
      : actions_(actions), action_(action) {}

  // Query: the listing's filter parameters (at least one) and dry_run. 200 {"matched","changed",
  // "skipped"}, or {"matched","would_change"} for a dry run; 400 naming the parameter (or
  // "filter" when none is given); 409 naming bulk_action_cap when more deliveries match than it.
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  DeliveryActions& actions_;
  DeliveryAction action_;
};

}  // namespace relay::ops
