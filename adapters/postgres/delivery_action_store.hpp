// Operator retries and cancels of deliveries, by id or by filter: counted, capped, applied in one
// transaction (all rows or none) with one audit event for the call besides each row's transition.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_records.hpp"
#include "gateway/domain/ops/delivery_filter.hpp"

namespace relay::pg {

// A delivery row locked for an operator action, as the state machine needs to judge it.
struct LockedDelivery {
  std::int64_t id = 0;
  std::string state;
  int attempts = 0;
};

// The change to make to a locked delivery, or nullopt when the move is not legal from its state.
using PlanDeliveryChange = std::function<std::optional<DeliveryChange>(const LockedDelivery&)>;

struct DeliveryActionRequest {
  std::string action;  // "retry" | "cancel": the call's audit event is "deliveries.<action>"
  // Exactly one of the two: the deliveries the filter matches, or one delivery.
  std::optional<domain::ops::DeliveryFilter> filter;
  std::optional<std::int64_t> delivery_id;
  // States the move is legal from: only these rows are locked (never in-flight ones).
  std::vector<std::string> movable_states;
  bool dry_run = false;
  std::int64_t cap = 1000;  // a filter matching more refuses the whole call (not a dry run)
  std::string actor;        // "operator:<name>" or "cli"
  bool wake_relay = false;  // NOTIFY the relay after a commit that changed rows
};

struct DeliveryActionResult {
  bool found = true;  // false: no delivery has delivery_id
  bool over_cap = false;
  std::int64_t matched = 0;          // rows the filter (or id) matches, in any state
  std::int64_t would_change = 0;     // of those, rows in a movable state (the dry run's answer)
  std::int64_t changed = 0;          // rows moved (0 for a dry run or a refusal)
  std::optional<std::string> state;  // one delivery: its state after the call
};

class DeliveryActionStore {
 public:
  explicit DeliveryActionStore(ConnectionPool& pool) : pool_(pool) {}

  // Counts, and unless dry_run or over the cap, locks the movable rows (FOR UPDATE, in id order),
  // applies plan's change to each (through DeliveryRepository::apply, with its audit event) and
  // appends the call's audit event, all in one transaction.
  boost::asio::awaitable<DeliveryActionResult> act(const DeliveryActionRequest& request,
                                                   const PlanDeliveryChange& plan);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
