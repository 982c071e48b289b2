// The shared pacer's one transaction: lock the account's row, drop grants no request can still be
// using, remove the answered ones, let the caller's pure pacer decide, store the row (unflushed).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_records.hpp"

namespace relay::pg {

struct PacerAccount {
  std::string name = "metriport";
  std::int64_t send_limit = 20;  // for a row created now
  std::int64_t window_micros = 60'000'000;
  // Grants older than this are no request's any more (a process died holding them): dropped.
  std::chrono::seconds stale_grant{120};
};

// decide(row, live) gets the locked row and the grants not answered before this transaction
// (those answered in it included), edits the row, and answers how many send slots it granted.
using PacerDecision = std::function<int(PacerRow& row, std::int64_t live_grants)>;

class PacerStore {
 public:
  explicit PacerStore(ConnectionPool& pool);

  // One update; answered_grants are deleted in it. The ids of the grants decide made (one row each
  // in relay_pacer_grants, counted as in flight by every process until answered or stale).
  boost::asio::awaitable<std::vector<std::int64_t>> update(
      const PacerAccount& account, const std::vector<std::int64_t>& answered_grants,
      const PacerDecision& decide);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
