// Accepted deliveries no webhook confirmed: once per reconcile_interval their sends' status is read
// from Metriport and applied, and those unconfirmed for longer than flag_after are flagged.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/metriport/metriport_client.hpp"
#include "adapters/postgres/settlement_store.hpp"
#include "gateway/config/config.hpp"
#include "gateway/metrics/relay_metrics.hpp"
#include "gateway/relay/wake_signal.hpp"
#include "gateway/relay/webhook_applier.hpp"

namespace relay::engine {

class Reconciler {
 public:
  // Everything passed by reference belongs to the engine and must outlive the reconciler; webhooks
  // applies the events still waiting for an id recorded since (a crash between the two).
  Reconciler(pg::SettlementStore& store, metriport::MetriportClient& client,
             WebhookApplier& webhooks, WakeSignal& wake, const std::atomic<bool>& stopping,
             const config::RelaySettings& settings, metrics::RelayMetrics& metrics,
             const std::string& instance);

  // Reconciles until stopping; a wake-up (new work, shutdown) only makes it look at stopping again.
  boost::asio::awaitable<void> run();

 private:
  boost::asio::awaitable<void> reconcile_once();
  boost::asio::awaitable<void> reconcile_delivery(std::int64_t delivery_id);

  pg::SettlementStore& store_;
  metriport::MetriportClient& client_;
  WebhookApplier& webhooks_;
  WakeSignal& wake_;
  const std::atomic<bool>& stopping_;
  config::RelaySettings settings_;
  metrics::RelayMetrics& metrics_;
  std::string instance_;
  std::string actor_;  // "relay:<instance>"
};

}  // namespace relay::engine
