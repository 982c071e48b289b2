// The relay queue as the metrics endpoint shows it: deliveries per state, the oldest waiting and
// unconfirmed ages, flagged deliveries and the shared pacer's limit. One read-only transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"

namespace relay::pg {

struct QueueSnapshot {
  std::map<std::string, std::int64_t> deliveries_by_state;  // only states that have deliveries
  double oldest_waiting_seconds = 0;        // queued or retry_wait, since queued; 0 when none
  double oldest_unconfirmed_seconds = 0;    // accepted, since accepted; 0 when none
  std::int64_t flagged = 0;                 // accepted, unconfirmed past relay.flag_after_seconds
  std::optional<std::int64_t> pacer_limit;  // sends per window; no row before a send
  std::optional<double> pacer_window_seconds;
};

class QueueSnapshotStore {
 public:
  explicit QueueSnapshotStore(ConnectionPool& pool) : pool_(pool) {}

  // Throws when the database is unreachable or the read takes longer than a few seconds.
  boost::asio::awaitable<QueueSnapshot> read();

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
