// The summary's SQL. Counts over recent minutes read audit events through (event, occurred_at)
// (schema 0006), so their cost follows the recent rate, not the table's size; event names and
// failure classes are the ones gateway/intake and gateway/relay write.
#include "adapters/postgres/ops_summary_store.hpp"

#include "adapters/postgres/delivery_listing.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/message_rows.hpp"
#include "adapters/postgres/pacer_repository.hpp"

namespace relay::pg {
namespace {

constexpr const char* database_now = "SELECT (extract(epoch FROM now()) * 1000000)::bigint";

// One row per vendor, state and priority. Unfinished states (and dead, awaiting an operator) are
// counted whole: they are the backlog (deliveries_state_created_idx). Finished states count the
// deliveries that reached them in the last $1 hours (deliveries_finished_idx, index only): the
// table keeps a year of them.
constexpr const char* delivery_groups = R"sql(
SELECT v.name, g.state, g.priority, g.n, (extract(epoch FROM g.oldest) * 1000000)::bigint
FROM (SELECT vendor_id, state, priority, count(*) AS n,
             min(created_at) FILTER (WHERE state IN ('queued', 'retry_wait')) AS oldest
      FROM deliveries
      WHERE state IN ('draft', 'queued', 'retry_wait', 'resolving', 'uploading', 'sending',
                      'accepted', 'dead')
      GROUP BY vendor_id, state, priority
      UNION ALL
      SELECT vendor_id, state, priority, count(*), NULL
      FROM deliveries
      WHERE state IN ('completed', 'failed', 'cancelled')
        AND updated_at > now() - $1::integer * interval '1 hour'
      GROUP BY vendor_id, state, priority) g
JOIN vendors v ON v.id = g.vendor_id
ORDER BY v.name, g.state, g.priority)sql";

// Intake: messages created (queued or drafted). Sends: accepted by Metriport (answered with an id,
// or adopted from Metriport's list). Failures: every failed attempt and final failure except 429s.
constexpr const char* recent_event_counts = R"sql(
SELECT CASE WHEN event IN ('message.queued', 'message.drafted') THEN 'intake'
            WHEN event IN ('delivery.send_recorded', 'delivery.send_adopted') THEN 'sends'
            WHEN event = 'delivery.completed' THEN 'completions'
            ELSE 'failures' END,
       count(*) FILTER (WHERE occurred_at > now() - interval '1 minute'),
       count(*) FILTER (WHERE occurred_at > now() - interval '5 minutes'),
       count(*)
FROM audit_events
WHERE event IN ('message.queued', 'message.drafted', 'delivery.send_recorded',
                'delivery.send_adopted', 'delivery.completed', 'delivery.retry_scheduled',
                'delivery.send_ambiguous', 'delivery.lease_expired', 'delivery.dead',
                'delivery.failed')
  AND occurred_at > now() - interval '15 minutes'
GROUP BY 1)sql";

// 429s: rate_limited transitions, except deliveries handed back at shutdown (class 'shutdown').
constexpr const char* recent_rate_limited = R"sql(
SELECT count(*) FILTER (WHERE occurred_at > now() - interval '1 minute'),
       count(*) FILTER (WHERE occurred_at > now() - interval '5 minutes'),
       count(*)
FROM audit_events
WHERE event = 'delivery.rate_limited' AND occurred_at > now() - interval '15 minutes'
  AND detail->>'class' IS DISTINCT FROM 'shutdown')sql";

// The last hour per minute (back from the transaction's now()), classed as recent_event_counts
// and recent_rate_limited class them.
constexpr const char* activity_per_minute = R"sql(
SELECT CASE WHEN event IN ('message.queued', 'message.drafted') THEN 'intake'
            WHEN event IN ('delivery.send_recorded', 'delivery.send_adopted') THEN 'sends'
            WHEN event = 'delivery.completed' THEN 'completions'
            WHEN event = 'delivery.rate_limited' THEN 'rate_limited'
            ELSE 'failures' END,
       least(59, floor(extract(epoch FROM now() - occurred_at) / 60))::integer,
       count(*)
FROM audit_events
WHERE event IN ('message.queued', 'message.drafted', 'delivery.send_recorded',
                'delivery.send_adopted', 'delivery.completed', 'delivery.retry_scheduled',
                'delivery.send_ambiguous', 'delivery.lease_expired', 'delivery.dead',
                'delivery.failed', 'delivery.rate_limited')
  AND occurred_at > now() - interval '60 minutes'
  AND (event <> 'delivery.rate_limited' OR detail->>'class' IS DISTINCT FROM 'shutdown')
GROUP BY 1, 2)sql";

constexpr const char* sends_started_within = R"sql(
SELECT count(*) FROM audit_events
WHERE event = 'delivery.send_started'
  AND occurred_at > now() - $1::bigint * interval '1 microsecond')sql";

constexpr const char* webhook_last_received =
    "SELECT (extract(epoch FROM max(received_at)) * 1000000)::bigint FROM webhook_events";

constexpr const char* webhooks_last_hour = R"sql(
SELECT event_type, coalesce(outcome, 'new'), count(*) FROM webhook_events
WHERE received_at > now() - interval '1 hour'
GROUP BY 1, 2 ORDER BY 1, 2)sql";

// Each count matches one partial index of schema 0003.
constexpr const char* webhooks_not_applied =
    "SELECT count(*) FROM webhook_events WHERE applied_at IS NULL AND outcome IS NULL";
constexpr const char* webhooks_waiting =
    "SELECT count(*) FROM webhook_events WHERE applied_at IS NULL AND outcome = 'waiting'";

constexpr const char* rejections_recent = R"sql(
SELECT (SELECT count(*) FROM webhook_rejections WHERE received_at > now() - interval '1 hour'),
       (SELECT (extract(epoch FROM max(received_at)) * 1000000)::bigint
        FROM webhook_rejections))sql";

// The last send Metriport accepted, and the failed Metriport calls after it: every failed call
// ends in exactly one of these transitions, with the call's outcome as its class.
constexpr const char* metriport_success_and_failures = R"sql(
WITH success AS (
  SELECT greatest(
    (SELECT max(occurred_at) FROM audit_events WHERE event = 'delivery.send_recorded'),
    (SELECT max(occurred_at) FROM audit_events WHERE event = 'delivery.send_adopted')) AS at)
SELECT (extract(epoch FROM s.at) * 1000000)::bigint,
       (SELECT count(*) FROM (
          SELECT 1 FROM audit_events a
          WHERE a.event IN ('delivery.retry_scheduled', 'delivery.send_ambiguous',
                            'delivery.rate_limited', 'delivery.dead')
            AND a.occurred_at > coalesce(s.at, '-infinity')
            AND a.detail->>'class' IN ('transient', 'rate_limited', 'permanent', 'ambiguous')
          LIMIT $1) f)
FROM success s)sql";

constexpr const char* metriport_last_failure = R"sql(
SELECT (extract(epoch FROM f.occurred_at) * 1000000)::bigint, f.event, f.class
FROM ((SELECT occurred_at, event, detail->>'class' AS class FROM audit_events
       WHERE event = 'delivery.retry_scheduled'
         AND detail->>'class' IN ('transient', 'rate_limited', 'permanent', 'ambiguous')
       ORDER BY occurred_at DESC LIMIT 1)
      UNION ALL
      (SELECT occurred_at, event, detail->>'class' FROM audit_events
       WHERE event = 'delivery.send_ambiguous'
         AND detail->>'class' IN ('transient', 'rate_limited', 'permanent', 'ambiguous')
       ORDER BY occurred_at DESC LIMIT 1)
      UNION ALL
      (SELECT occurred_at, event, detail->>'class' FROM audit_events
       WHERE event = 'delivery.rate_limited' AND detail->>'class' = 'rate_limited'
       ORDER BY occurred_at DESC LIMIT 1)
      UNION ALL
      (SELECT occurred_at, event, detail->>'class' FROM audit_events
       WHERE event = 'delivery.dead'
         AND detail->>'class' IN ('transient', 'rate_limited', 'permanent', 'ambiguous')
       ORDER BY occurred_at DESC LIMIT 1)) f
ORDER BY f.occurred_at DESC LIMIT 1)sql";

constexpr const char* relay_pauses = R"sql(
SELECT v.name, p.paused_by, (extract(epoch FROM p.paused_at) * 1000000)::bigint
FROM relay_pauses p LEFT JOIN vendors v ON v.id = p.vendor_id
ORDER BY p.vendor_id NULLS FIRST, v.name)sql";

WindowCounts window_counts(const pqxx::row& row, int first) {
  return {row[first].as<std::int64_t>(), row[first + 1].as<std::int64_t>(),
          row[first + 2].as<std::int64_t>()};
}

}  // namespace

boost::asio::awaitable<SummaryFacts> OpsSummaryStore::read(const SummaryQuery& query) {
  co_return co_await pool_.run([&query](pqxx::connection& connection) {
    SnapshotRead tx(connection);
    SummaryFacts facts;
    facts.now = tx.exec1(database_now)[0].as<std::int64_t>();
    for (const auto& row : tx.exec_params(delivery_groups, finished_window_hours)) {
      facts.deliveries.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                                  row[2].as<int>(), row[3].as<std::int64_t>(),
                                  nullable<std::int64_t>(row[4])});
    }
    facts.flagged_unconfirmed = count_flagged_unconfirmed(tx);
    for (const char* measure : {"intake", "sends", "completions", "failures"}) {
      facts.rates[measure] = {};
    }
    for (const auto& row : tx.exec(recent_event_counts)) {
      facts.rates[row[0].as<std::string>()] = window_counts(row, 1);
    }
    facts.rates["rate_limited"] = window_counts(tx.exec1(recent_rate_limited), 0);

    facts.pacer = PacerRepository::read_pacer(tx, query.pacer_account);
    facts.pacer_live_grants =
        PacerRepository::count_live_pacer_grants(tx, query.pacer_account, query.stale_grant);
    facts.sends_started_last_window =
        tx.exec_params1(sends_started_within,
                        static_cast<std::int64_t>(query.pacer_window.count()))[0]
            .as<std::int64_t>();
    facts.unsent_parts = count_unsent_parts(tx);

    facts.webhook_last_received = nullable<std::int64_t>(tx.exec1(webhook_last_received)[0]);
    for (const auto& row : tx.exec(webhooks_last_hour)) {
      facts.webhooks_last_hour.push_back(
          {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
    }
    facts.webhooks_not_applied = tx.exec1(webhooks_not_applied)[0].as<std::int64_t>();
    facts.webhooks_waiting = tx.exec1(webhooks_waiting)[0].as<std::int64_t>();
    const auto rejections = tx.exec1(rejections_recent);
    facts.rejections_last_hour = rejections[0].as<std::int64_t>();
    facts.rejection_last_received = nullable<std::int64_t>(rejections[1]);

    const auto health = tx.exec_params1(metriport_success_and_failures, metriport_failures_cap);
    facts.metriport_last_success = nullable<std::int64_t>(health[0]);
    facts.metriport_failures_since_success = health[1].as<std::int64_t>();
    const auto failure = tx.exec(metriport_last_failure);
    if (!failure.empty()) {
      facts.metriport_last_failure = failure[0][0].as<std::int64_t>();
      facts.metriport_last_failure_event = failure[0][1].as<std::string>();
      facts.metriport_last_failure_class = failure[0][2].as<std::string>();
    }
    for (const auto& row : tx.exec(relay_pauses)) {
      facts.pauses.push_back(
          {nullable<std::string>(row[0]), row[1].as<std::string>(), row[2].as<std::int64_t>()});
    }
    tx.commit();
    return facts;
  });
}

boost::asio::awaitable<ActivityFacts> OpsSummaryStore::activity() {
  co_return co_await pool_.run([](pqxx::connection& connection) {
    SnapshotRead tx(connection);
    ActivityFacts facts;
    facts.now = tx.exec1(database_now)[0].as<std::int64_t>();  // now() is fixed per transaction
    for (const auto& row : tx.exec(activity_per_minute)) {
      facts.minutes.push_back(
          {row[0].as<std::string>(), row[1].as<int>(), row[2].as<std::int64_t>()});
    }
    tx.commit();
    return facts;
  });
}

}  // namespace relay::pg
