// Gauges read from the database, which every gateway process shares: deliveries per state, the
// oldest waiting and unconfirmed ages, the pacer's limit, and whether the database answers.
// Cached: at most one read per period, however often (and however many) scrapers ask.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/queue_snapshot_store.hpp"

namespace relay::metrics {

struct PacerDefaults {
  double limit = 20;  // METRIPORT_SENDS_PER_MINUTE: shown before the pacer row exists
  double window_seconds = 60;
};

class QueueGauges final : public prometheus::Collectable {
 public:
  QueueGauges(pg::ConnectionPool& pool, PacerDefaults pacer,
              std::chrono::steady_clock::duration period = std::chrono::seconds(5));

  // Reads the database when the last read is older than the period and no other scrape is reading
  // it now; never throws (a failed read shows relay_database_up 0 and no queue gauges).
  boost::asio::awaitable<void> refresh_if_stale();

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  pg::QueueSnapshotStore store_;
  const PacerDefaults pacer_;
  const std::chrono::steady_clock::duration period_;
  mutable std::mutex mutex_;
  bool refreshing_ = false;
  std::optional<std::chrono::steady_clock::time_point> read_at_;
  std::optional<pg::QueueSnapshot> snapshot_;  // nullopt: never read, or the last read failed
};

}  // namespace relay::metrics
