// WebhookApplier: each event is applied from its status columns by status_applier; an event that
// cannot be applied (a data error) is set aside as 'unapplicable' instead of blocking later ones.
#include "gateway/relay/webhook_applier.hpp"

#include <optional>

#include <pqxx/pqxx>

#include "adapters/postgres/webhook_repository.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/loop_failure_reason.hpp"
#include "gateway/relay/status_applier.hpp"

namespace relay::engine {

WebhookApplier::WebhookApplier(pg::ConnectionPool& pool, WakeSignal& wake,
                               const std::atomic<bool>& stopping,
                               const config::RelaySettings& settings,
                               metrics::RelayMetrics& metrics, std::string instance)
    : pool_(pool),
      wake_(wake),
      stopping_(stopping),
      poll_interval_(settings.poll_interval),
      max_attempts_(settings.max_attempts),
      metrics_(metrics),
      instance_(std::move(instance)) {}

boost::asio::awaitable<void> WebhookApplier::run() {
  while (!stopping_) {
    const auto ticket = wake_.ticket();  // taken before looking, so no wake-up falls in between
    bool applied = false;
    try {
      applied = co_await apply_next(false);
    } catch (const std::exception& failure) {
      log::error("relay.webhook_apply_failed",
                 {{"instance", instance_}, {"reason", loop_failure_reason(failure)}});
    }
    if (!applied) co_await wake_.wait_for(poll_interval_, ticket);
  }
}

// One event per transaction: no two events' row locks are ever held together.
boost::asio::awaitable<bool> WebhookApplier::apply_next(bool waiting) {
  const int max_attempts = max_attempts_;
  const bool found = co_await pool_.run([&](pqxx::connection& connection) {
    std::optional<pg::UnappliedWebhook> event;
    try {
      pqxx::work tx(connection);
      const auto events = waiting ? pg::WebhookRepository::lock_waiting_events(tx, 1)
                                  : pg::WebhookRepository::lock_new_events(tx, 1);
      if (events.empty()) return false;
      event = events.front();
      Settlements settled;
      apply_stored_event(tx, *event, "metriport:webhook", max_attempts, &settled);
      tx.commit();
      report(settled, metrics_);
      return true;
    } catch (const pqxx::data_exception& error) {
      if (!event) throw;
      log::error("relay.webhook_unapplicable",
                 {{"webhook_event_id", std::to_string(event->id)}, {"sqlstate", error.sqlstate()}});
      pqxx::work tx(connection);
      pg::WebhookRepository::mark_applied(tx, event->id, "unapplicable");
      tx.commit();
      metrics_.count_webhook_applied("unapplicable");
      return true;
    }
  });
  co_return found;
}

}  // namespace relay::engine
