// The facts behind GET /ops/api/summary, read in one snapshot from what every gateway process
// writes (deliveries, audit events, webhooks, the pacer row, pauses), never from one process's
// memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_records.hpp"
#include "adapters/postgres/relay_pause_store.hpp"  // RelayPause
#include "gateway/domain/message.hpp"

namespace relay::pg {

// Deliveries of one vendor in one state and priority (0 Low, 1 Normal, 2 High). Finished states
// (completed, failed, cancelled) count those that reached the state in the last
// finished_window_hours.
struct DeliveryGroup {
  std::string vendor;
  std::string state;
  int priority = 1;
  std::int64_t count = 0;
  std::optional<domain::EpochMicros> oldest_waiting;  // queued/retry_wait: oldest created_at
};

// How many happened in the last 1, 5 and 15 minutes.
struct WindowCounts {
  std::int64_t last_1m = 0;
  std::int64_t last_5m = 0;
  std::int64_t last_15m = 0;
};

struct WebhookTally {
  std::string event_type;
  std::string outcome;  // "new" while not looked at yet
  std::int64_t count = 0;
};

struct SummaryQuery {
  std::string pacer_account = "metriport";
  std::chrono::microseconds pacer_window{60'000'000};  // sends started within count as used
  std::chrono::seconds stale_grant{120};               // older pacer grants no longer in flight
};

struct SummaryFacts {
  domain::EpochMicros now = 0;  // the database's clock when the snapshot was taken
  std::vector<DeliveryGroup> deliveries;
  std::int64_t flagged_unconfirmed = 0;
  // "intake" (messages created), "sends" (accepted by Metriport), "completions", "failures"
  // (failed attempts and final failures), "rate_limited" (429s).
  std::map<std::string, WindowCounts> rates;
  std::optional<PacerRow> pacer;
  std::int64_t pacer_live_grants = 0;
  std::int64_t sends_started_last_window = 0;
  std::int64_t unsent_parts = 0;
  std::optional<domain::EpochMicros> webhook_last_received;
  std::vector<WebhookTally> webhooks_last_hour;
  std::int64_t webhooks_not_applied = 0;  // stored, not looked at yet
  std::int64_t webhooks_waiting = 0;      // waiting for their send's Metriport id
  std::int64_t rejections_last_hour = 0;
  std::optional<domain::EpochMicros> rejection_last_received;
  // Metriport health: the last send Metriport accepted, failed Metriport calls since then (capped
  // at metriport_failures_cap), and the last failed call.
  std::optional<domain::EpochMicros> metriport_last_success;
  std::int64_t metriport_failures_since_success = 0;
  std::optional<domain::EpochMicros> metriport_last_failure;
  std::optional<std::string> metriport_last_failure_class;
  std::optional<std::string> metriport_last_failure_event;
  std::vector<RelayPause> pauses;
};

inline constexpr std::int64_t metriport_failures_cap = 10'000;
inline constexpr int finished_window_hours = 24;

// One measure's count in one minute of the last hour (minutes_ago 0: the last 60 seconds).
struct ActivityMinute {
  std::string measure;  // intake | sends | completions | failures | rate_limited
  int minutes_ago = 0;  // 0..59
  std::int64_t count = 0;
};

struct ActivityFacts {
  domain::EpochMicros now = 0;          // the database's clock; minutes are counted back from it
  std::vector<ActivityMinute> minutes;  // only minutes with events
};

inline constexpr int activity_minutes = 60;

class OpsSummaryStore {
 public:
  explicit OpsSummaryStore(ConnectionPool& pool) : pool_(pool) {}

  boost::asio::awaitable<SummaryFacts> read(const SummaryQuery& query);
  // The last hour per minute, with the summary's rates' classes (one index range scan of the
  // hour's audit events: heavier than read(), so callers ask for it less often).
  boost::asio::awaitable<ActivityFacts> activity();

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
