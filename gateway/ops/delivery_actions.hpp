// Operator retries and cancels of deliveries, for the operations API and the CLI alike: the state
// machine decides which rows may move (operator_retry, operator_cancel), the store moves them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_action_store.hpp"
#include "gateway/domain/ops/delivery_filter.hpp"

namespace relay::ops {

enum class DeliveryAction { retry, cancel };

// "retry" | "cancel"; nullopt for anything else.
std::optional<DeliveryAction> parse_delivery_action(std::string_view text);
std::string_view action_name(DeliveryAction action);

class DeliveryActions {
 public:
  // cap: config ops.bulk_action_cap, the most deliveries one filtered call may match.
  DeliveryActions(pg::ConnectionPool& pool, std::int64_t cap) : store_(pool), cap_(cap) {}

  // Moves every delivery the filter matches whose state allows the move; in-flight deliveries
  // (held by a worker under a lease) never do, so nothing is taken from a worker mid-send. A
  // retry wakes the relay after the commit. Over the cap, nothing changes (over_cap).
  boost::asio::awaitable<pg::DeliveryActionResult> by_filter(
      DeliveryAction action, const domain::ops::DeliveryFilter& filter, bool dry_run,
      const std::string& actor);
  // The same for one delivery (found false when there is none).
  boost::asio::awaitable<pg::DeliveryActionResult> by_id(DeliveryAction action,
                                                         std::int64_t delivery_id, bool dry_run,
                                                         const std::string& actor);

  std::int64_t cap() const { return cap_; }

 private:
  boost::asio::awaitable<pg::DeliveryActionResult> run(pg::DeliveryActionRequest& request,
                                                       DeliveryAction action);

  pg::DeliveryActionStore store_;
  std::int64_t cap_;
};

}  // namespace relay::ops
