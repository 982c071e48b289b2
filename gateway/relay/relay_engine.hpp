// The relay engine of one gateway process: relaying workers, a lease reaper, the webhook applier
// and the reconciler, woken by LISTEN; many processes may run one each against the same database.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "adapters/metriport/metriport_client.hpp"
#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/notification_listener.hpp"
#include "adapters/postgres/relay_pause_store.hpp"
#include "adapters/postgres/relay_store.hpp"
#include "adapters/postgres/settlement_store.hpp"
#include "gateway/config/config.hpp"
#include "gateway/metrics/gateway_metrics.hpp"
#include "gateway/relay/delivery_processor.hpp"
#include "gateway/relay/pause_gate.hpp"
#include "gateway/relay/reconciler.hpp"
#include "gateway/relay/settlement_rules.hpp"
#include "gateway/relay/shared_pacer.hpp"
#include "gateway/relay/wake_signal.hpp"
#include "gateway/relay/webhook_applier.hpp"

namespace relay::engine {

class RelayEngine {
 public:
  // metrics hears of Metriport calls, the relay's database pool, pacer waits and settlements; it
  // must outlive the engine.
  RelayEngine(boost::asio::any_io_executor executor, const config::Config& config,
              metrics::GatewayMetrics& metrics);
  ~RelayEngine();
  RelayEngine(const RelayEngine&) = delete;
  RelayEngine& operator=(const RelayEngine&) = delete;

  void start();
  // Workers stop claiming, finish (or hand back) what they hold; on_stopped is called once, on the
  // executor, when every worker has returned.
  void begin_stop(std::function<void()> on_stopped);

  const std::string& instance() const { return instance_; }

 private:
  boost::asio::awaitable<void> worker_loop();
  // Claims a batch (when no other claim of this process is under way): answers the first, queues
  // the rest for the next workers.
  boost::asio::awaitable<std::optional<pg::ClaimedDelivery>> claim_batch();
  std::optional<pg::ClaimedDelivery> take_claimed();
  boost::asio::awaitable<void> reaper_loop();
  boost::asio::awaitable<int> reap_expired_leases();
  void worker_finished();

  boost::asio::any_io_executor executor_;
  config::RelaySettings settings_;
  std::string instance_;
  metrics::RelayMetrics& metrics_;
  pg::ConnectionPool pool_;
  metriport::MetriportClient client_;
  pg::RelayStore store_;
  RelaySettlementRules settlement_rules_;
  pg::SettlementStore settlements_;
  SharedPacer pacer_;
  pg::RelayPauseStore pause_store_;
  PauseGate pauses_;
  WakeSignal wake_;
  pg::NotificationListener listener_;
  std::atomic<bool> stopping_{false};
  WebhookApplier webhooks_;
  Reconciler reconciler_;
  std::unique_ptr<DeliveryProcessor> processor_;
  std::atomic<int> running_loops_{0};
  std::atomic<int> running_workers_{0};
  std::atomic<std::uint64_t> claims_{0};  // numbers this process's claims (lease tokens)
  std::atomic<bool> claiming_{false};     // a claim of this process is under way
  std::mutex claimed_mutex_;
  std::deque<pg::ClaimedDelivery> claimed_;  // claimed in a batch, not taken by a worker yet
  std::function<void()> on_stopped_;
  std::mutex stop_mutex_;
};

// "<host>:<pid>:<random>": the lease holder name of this process.
std::string make_instance_name();

// The shared pacer's settings from the configuration (the relay and the operations summary).
PacerSettings pacer_settings(const config::Config& config);

}  // namespace relay::engine
