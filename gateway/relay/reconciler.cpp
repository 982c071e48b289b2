// Reconciler: waiting webhooks first, then flags, then the due deliveries in batches of 50 (each
// poll and each application its own transaction); a delivery is settled once all its parts are.
#include "gateway/relay/reconciler.hpp"

#include <boost/json.hpp>

#include "adapters/postgres/failure_reason.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/settlement_rules.hpp"

namespace relay::engine {

namespace {

constexpr int waiting_webhooks_per_round = 100;
constexpr int due_batch = 50;
constexpr int due_batches_per_round = 20;

}  // namespace

Reconciler::Reconciler(pg::SettlementStore& store, metriport::MetriportClient& client,
                       WebhookApplier& webhooks, WakeSignal& wake,
                       const std::atomic<bool>& stopping, const config::RelaySettings& settings,
                       metrics::RelayMetrics& metrics, const std::string& instance)
    : store_(store),
      client_(client),
      webhooks_(webhooks),
      wake_(wake),
      stopping_(stopping),
      settings_(settings),
      metrics_(metrics),
      instance_(instance),
      actor_("relay:" + instance) {}

boost::asio::awaitable<void> Reconciler::run() {
  while (!stopping_) {
    try {
      co_await reconcile_once();
    } catch (const std::exception& failure) {
      log::error("relay.reconcile_failed",
                 {{"instance", instance_}, {"reason", pg::failure_reason(failure)}});
    }
    const auto until = std::chrono::steady_clock::now() + settings_.reconcile_interval;
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
      const auto ticket = wake_.ticket();
      co_await wake_.wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  until - std::chrono::steady_clock::now()),
                              ticket);
    }
  }
}

boost::asio::awaitable<void> Reconciler::reconcile_once() {
  const int reconcile_after = static_cast<int>(settings_.reconcile_after.count());
  const int flag_after = static_cast<int>(settings_.flag_after.count());
  // Webhooks still waiting although their send has meanwhile been recorded (a crash between the
  // id and its application), one per transaction.
  for (int i = 0; i < waiting_webhooks_per_round && !stopping_; ++i) {
    if (!co_await webhooks_.apply_next(true)) break;
  }
  const std::string detail =
      boost::json::serialize(boost::json::object{{"reason", "no confirmation from Metriport"}});
  const auto flagged = co_await store_.flag_unconfirmed(flag_after, actor_, detail);
  for (const auto id : flagged) {
    log::warn("relay.delivery_unconfirmed", {{"delivery_id", std::to_string(id)}});
  }
  for (int round = 0; round < due_batches_per_round && !stopping_; ++round) {
    const auto due = co_await store_.take_unconfirmed(reconcile_after, due_batch);
    for (const std::int64_t delivery_id : due) {
      if (stopping_) break;
      co_await reconcile_delivery(delivery_id);
    }
    if (static_cast<int>(due.size()) < due_batch) break;
  }
}

boost::asio::awaitable<void> Reconciler::reconcile_delivery(std::int64_t delivery_id) {
  const auto message_ids = co_await store_.processing_message_ids(delivery_id);
  for (const std::string& message_id : message_ids) {
    const auto answer = co_await client_.get_message(message_id);
    if (answer.outcome != metriport::CallOutcome::success) {
      log::info("relay.status_poll_failed",
                {{"delivery_id", std::to_string(delivery_id)},
                 {"outcome", std::string(metriport::to_string(answer.outcome))}});
      continue;
    }
    const auto& record = *answer.value;
    if (record.status != "completed" && record.status != "failed") continue;  // still processing
    // The Message's updatedAt is when its status last changed; the moment we learnt it otherwise.
    const pg::StatusReport status{message_id, record.status, record.updated_at.value_or("now"),
                                  record.reason};
    const auto settled = co_await store_.apply_status(status, actor_);
    report(settled, metrics_);
    log::info("relay.status_polled", {{"delivery_id", std::to_string(delivery_id)},
                                      {"metriport_message_id", message_id},
                                      {"status", record.status}});
  }
  // Every part may have its final status already (webhooks applied before the delivery was
  // accepted, and the settle after acceptance lost to a crash): settle it now.
  const auto settled = co_await store_.settle(delivery_id, actor_);
  report(settled, metrics_);
}

}  // namespace relay::engine
