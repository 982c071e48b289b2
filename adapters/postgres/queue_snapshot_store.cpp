// The snapshot's SQL: a count per state (a scan of deliveries, hence read only every few seconds
// and cut off by a statement timeout), ages from the claim and flag indexes, the pacer row.
#include "adapters/postgres/queue_snapshot_store.hpp"

namespace relay::pg {
namespace {

// A scrape must not hang on a slow or locked database: the read gives up after this.
constexpr const char* snapshot_timeout = "SET LOCAL statement_timeout = '5s'";

constexpr const char* deliveries_per_state =
    "SELECT state, count(*)::bigint FROM deliveries GROUP BY state";

// Waiting: claimable now or after a backoff (deliveries_claim_idx covers these states); a Draft
// re-posted as Sent gets new delivery rows, so created_at is when the delivery was queued.
constexpr const char* queue_ages = R"sql(
SELECT
  coalesce((SELECT extract(epoch FROM now() - min(created_at)) FROM deliveries
            WHERE state IN ('queued', 'retry_wait')), 0)::double precision,
  coalesce((SELECT extract(epoch FROM now() - min(accepted_at)) FROM deliveries
            WHERE state = 'accepted'), 0)::double precision,
  (SELECT count(*) FROM deliveries WHERE state = 'accepted' AND flagged_at IS NOT NULL)::bigint)sql";

constexpr const char* pacer_limit = R"sql(
SELECT send_limit::bigint, (window_micros / 1000000.0)::double precision
FROM relay_pacer WHERE account = 'metriport')sql";

}  // namespace

boost::asio::awaitable<QueueSnapshot> QueueSnapshotStore::read() {
  co_return co_await pool_.run([](pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    tx.exec0(snapshot_timeout);
    QueueSnapshot snapshot;
    for (const auto& row : tx.exec(deliveries_per_state)) {
      snapshot.deliveries_by_state[row[0].as<std::string>()] = row[1].as<std::int64_t>();
    }
    const auto ages = tx.exec1(queue_ages);
    snapshot.oldest_waiting_seconds = ages[0].as<double>();
    snapshot.oldest_unconfirmed_seconds = ages[1].as<double>();
    snapshot.flagged = ages[2].as<std::int64_t>();
    const auto pacer = tx.exec(pacer_limit);
    if (!pacer.empty()) {
      snapshot.pacer_limit = pacer[0][0].as<std::int64_t>();
      snapshot.pacer_window_seconds = pacer[0][1].as<double>();
    }
    tx.commit();
    return snapshot;
  });
}

}  // namespace relay::pg
