// RelayEngine: N worker loops (claim, relay, repeat; sleep on the wake signal when idle), a reaper
// returning expired leases through the state machine, and the webhook applier and reconciler.
#include "gateway/relay/relay_engine.hpp"

#include <unistd.h>

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/postgres/delivery_repository.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/delivery_state_machine.hpp"
#include "gateway/relay/loop_failure_reason.hpp"

namespace relay::engine {

namespace {

constexpr int reap_batch = 100;

metriport::ClientSettings client_settings(const config::MetriportSettings& metriport) {
  metriport::ClientSettings settings;
  settings.base_url = metriport.base_url;
  settings.api_key = metriport.api_key;
  settings.connect_timeout = metriport.connect_timeout;
  settings.request_timeout = metriport.request_timeout;
  settings.upload_timeout = metriport.upload_timeout;
  settings.max_connections_per_host = metriport.max_connections_per_host;
  if (!metriport.ca_file.empty()) settings.ca_file = metriport.ca_file;
  return settings;
}

ProcessorSettings processor_settings(const config::Config& config, std::string instance) {
  ProcessorSettings settings;
  settings.instance = std::move(instance);
  settings.lease = config.relay.lease;
  settings.retry.base = config.relay.backoff_base;
  settings.retry.cap = config.relay.backoff_cap;
  settings.retry.max_attempts = config.relay.max_attempts;
  settings.patient_cache_ttl = config.relay.patient_cache_ttl;
  settings.ambiguous_settle = config.relay.ambiguous_settle;
  return settings;
}

}  // namespace

PacerSettings pacer_settings(const config::Config& config) {
  PacerSettings settings;
  settings.sends_per_minute = config.metriport.sends_per_minute;
  settings.window = config.metriport.send_window;
  settings.stale_in_flight = config.metriport.request_timeout + std::chrono::seconds(30);
  return settings;
}

std::size_t relay_pool_size(const config::Config& config) {
  return static_cast<std::size_t>(std::min(config.relay.workers, 16) + 1);
}

std::string make_instance_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device random;
  return std::string(host) + ":" + std::to_string(getpid()) + ":" +
         std::to_string(random() % 1'000'000);
}

RelayEngine::RelayEngine(boost::asio::any_io_executor executor, const config::Config& config,
                         metrics::GatewayMetrics& metrics)
    : executor_(executor),
      settings_(config.relay),
      instance_(make_instance_name()),
      metrics_(metrics.relay()),
      // One connection per worker (up to 16) plus one for the reaper and the pacer's short updates.
      pool_(config.database.url, relay_pool_size(config),
            &metrics.pool("relay", relay_pool_size(config))),
      client_(executor, client_settings(config.metriport), &metrics.metriport()),
      pacer_(pool_, pacer_settings(config)),
      pauses_(pool_),
      listener_(config.database.url, pg::delivery_channel, [this] { wake_.notify_all(); }),
      webhooks_(pool_, wake_, stopping_, settings_, metrics_, instance_),
      reconciler_(pool_, client_, webhooks_, wake_, stopping_, settings_, metrics_, instance_) {
  processor_ = std::make_unique<DeliveryProcessor>(
      pool_, client_, pacer_, pauses_, processor_settings(config, instance_), stopping_, metrics_);
}

RelayEngine::~RelayEngine() {
  listener_.stop();
  pool_.stop();
}

void RelayEngine::start() {
  listener_.start();
  const auto spawn = [this](boost::asio::awaitable<void> loop) {
    ++running_loops_;
    // Each loop on its own strand: the wake signal cancels a parked loop's timer through it.
    boost::asio::co_spawn(boost::asio::make_strand(executor_), std::move(loop),
                          [this](std::exception_ptr error) {
                            if (error) log::error("relay.loop_failed", {{"instance", instance_}});
                            worker_finished();
                          });
  };
  for (int i = 0; i < settings_.workers; ++i) spawn(worker_loop());
  spawn(reaper_loop());
  spawn(webhooks_.run());
  spawn(reconciler_.run());
  log::info("relay.started",
            {{"instance", instance_}, {"workers", std::to_string(settings_.workers)}});
}

void RelayEngine::begin_stop(std::function<void()> on_stopped) {
  {
    std::lock_guard lock(stop_mutex_);
    on_stopped_ = std::move(on_stopped);
  }
  stopping_ = true;
  wake_.notify_all();
  if (running_loops_ == 0) worker_finished();
}

void RelayEngine::worker_finished() {
  if (running_loops_ > 0 && --running_loops_ > 0) return;
  std::function<void()> done;
  {
    std::lock_guard lock(stop_mutex_);
    done = std::exchange(on_stopped_, nullptr);
  }
  if (!done) return;
  listener_.stop();
  log::info("relay.stopped", {{"instance", instance_}});
  boost::asio::post(executor_, std::move(done));
}

boost::asio::awaitable<void> RelayEngine::worker_loop() {
  while (!stopping_) {
    const auto ticket = wake_.ticket();  // taken before looking, so no wake-up falls in between
    std::optional<pg::ClaimedDelivery> claimed;
    bool claim_failed = false;
    try {
      claimed = co_await claim_one();
    } catch (const std::exception& failure) {
      log::error("relay.claim_failed",
                 {{"instance", instance_}, {"reason", loop_failure_reason(failure)}});
      claim_failed = true;
    }
    if (claim_failed || !claimed) {
      co_await wake_.wait_for(settings_.poll_interval, ticket);
      continue;
    }
    co_await processor_->process(*claimed);
  }
}

boost::asio::awaitable<std::optional<pg::ClaimedDelivery>> RelayEngine::claim_one() {
  const std::string lease_token = instance_ + ":" + std::to_string(++claims_);
  co_return co_await pool_.run([this, &lease_token](pqxx::connection& connection) {
    pqxx::work tx(connection);
    // A claim lost in a crash only returns the delivery to the queue: no need to wait for the
    // flush.
    tx.exec0("SET LOCAL synchronous_commit = off");
    auto delivery = pg::DeliveryRepository::claim_next(tx, lease_token, settings_.lease);
    if (delivery) {
      pg::append_audit_event(
          tx, {"relay:" + instance_, "delivery", std::to_string(delivery->id), "delivery.claimed",
               "{\"from\":\"" + delivery->previous_state + "\",\"to\":\"resolving\",\"attempts\":" +
                   std::to_string(delivery->attempts) + "}"});
    }
    tx.commit();
    return delivery;
  });
}

boost::asio::awaitable<void> RelayEngine::reaper_loop() {
  const auto interval =
      std::max<std::chrono::milliseconds>(settings_.poll_interval, std::chrono::milliseconds(1000));
  while (!stopping_) {
    const auto ticket = wake_.ticket();
    int reaped = 0;
    try {
      reaped = co_await reap_expired_leases();
    } catch (const std::exception& failure) {
      log::error("relay.reap_failed",
                 {{"instance", instance_}, {"reason", loop_failure_reason(failure)}});
    }
    if (reaped > 0) {
      wake_.notify_all();
    } else {
      co_await wake_.wait_for(interval, ticket);
    }
  }
}

boost::asio::awaitable<int> RelayEngine::reap_expired_leases() {
  const int max_attempts = settings_.max_attempts;
  const std::string actor = "relay:" + instance_;
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    const auto expired = pg::DeliveryRepository::lock_expired_leases(tx, reap_batch);
    for (const auto& delivery : expired) {
      const auto state = parse_delivery_state(delivery.state);
      if (!state) continue;
      const Transition transition =
          next(*state, DeliveryEvent::lease_expired, {delivery.attempts, max_attempts});
      if (!transition.allowed) continue;
      pg::DeliveryChange change;
      change.delivery_id = delivery.id;
      change.from_state = delivery.state;
      change.to_state = std::string(to_text(transition.to));
      change.lease = pg::LeaseChange::release;
      change.count_attempt = transition.actions.count_attempt;
      change.retry_delay = std::chrono::microseconds(0);
      change.reason = "lease expired: the instance relaying it stopped or stalled";
      change.actor = actor;
      change.audit_event = std::string(transition.audit_event);
      change.audit_detail_json = "{\"from\":\"" + delivery.state + "\",\"to\":\"" +
                                 change.to_state + "\",\"reason\":\"lease expired\"}";
      pg::DeliveryRepository::apply(tx, change);
      log::warn("relay.lease_expired",
                {{"delivery_id", std::to_string(delivery.id)}, {"to", change.to_state}});
    }
    tx.commit();
    return static_cast<int>(expired.size());
  });
}

}  // namespace relay::engine
