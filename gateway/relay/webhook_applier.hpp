// Stored webhooks applied after their 200, one event per transaction: a loop woken by the
// endpoint's NOTIFY (through the engine's wake signal), and the waiting events on the reconciler's
// call.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/settlement_store.hpp"
#include "gateway/config/config.hpp"
#include "gateway/metrics/relay_metrics.hpp"
#include "gateway/relay/wake_signal.hpp"

namespace relay::engine {

class WebhookApplier {
 public:
  // store, wake, stopping and metrics belong to the engine and must outlive the applier.
  WebhookApplier(pg::SettlementStore& store, WakeSignal& wake, const std::atomic<bool>& stopping,
                 const config::RelaySettings& settings, metrics::RelayMetrics& metrics,
                 std::string instance);

  // Applies new events until stopping; parks on the wake signal (at most poll_interval) when none.
  boost::asio::awaitable<void> run();

  // Applies the oldest new event (with waiting: the oldest waiting event whose Metriport message id
  // has meanwhile been recorded); false when there was none.
  boost::asio::awaitable<bool> apply_next(bool waiting);

 private:
  pg::SettlementStore& store_;
  WakeSignal& wake_;
  const std::atomic<bool>& stopping_;
  std::chrono::milliseconds poll_interval_;
  metrics::RelayMetrics& metrics_;
  std::string instance_;
};

}  // namespace relay::engine
