// WebhookApplier: each event is applied from its status columns by the settlement store, one per
// transaction; an event that cannot be applied is set aside there instead of blocking later ones.
#include "gateway/relay/webhook_applier.hpp"

#include "adapters/postgres/failure_reason.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/settlement_rules.hpp"

namespace relay::engine {

WebhookApplier::WebhookApplier(pg::SettlementStore& store, WakeSignal& wake,
                               const std::atomic<bool>& stopping,
                               const config::RelaySettings& settings,
                               metrics::RelayMetrics& metrics, std::string instance)
    : store_(store),
      wake_(wake),
      stopping_(stopping),
      poll_interval_(settings.poll_interval),
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
                 {{"instance", instance_}, {"reason", pg::failure_reason(failure)}});
    }
    if (!applied) co_await wake_.wait_for(poll_interval_, ticket);
  }
}

boost::asio::awaitable<bool> WebhookApplier::apply_next(bool waiting) {
  const auto settled = co_await store_.apply_next_event(waiting, webhook_actor);
  if (!settled) co_return false;
  report(*settled, metrics_);
  co_return true;
}

}  // namespace relay::engine
