// RelayEngine: N worker loops (take a claimed delivery, relay it, repeat; one claim at a time takes
// a batch for the next workers; sleep on the wake signal when idle), a reaper returning expired
// leases through the state machine, and the webhook applier and reconciler.
#include "gateway/relay/relay_engine.hpp"

#include <unistd.h>

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/postgres/failure_reason.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/delivery_change.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/delivery_state_machine.hpp"

namespace relay::engine {

namespace {

constexpr int reap_batch = 100;
// The most deliveries one claim takes (one commit for all of them); never more than the workers.
constexpr int max_claim_batch = 16;

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
      store_(pool_),
      settlement_rules_(config.relay.max_attempts),
      settlements_(pool_, settlement_rules_),
      pacer_(pool_, pacer_settings(config)),
      pause_store_(pool_),
      pauses_(pause_store_),
      listener_(config.database.url, pg::delivery_channel, [this] { wake_.notify_all(); }),
      webhooks_(settlements_, wake_, stopping_, settings_, metrics_, instance_),
      reconciler_(settlements_, client_, webhooks_, wake_, stopping_, settings_, metrics_,
                  instance_) {
  processor_ = std::make_unique<DeliveryProcessor>(store_, settlements_, client_, pacer_, pauses_,
                                                   processor_settings(config, instance_), stopping_,
                                                   metrics_);
}

RelayEngine::~RelayEngine() {
  listener_.stop();
  pool_.stop();
}

void RelayEngine::start() {
  listener_.start();
  const auto spawn = [this](boost::asio::awaitable<void> loop, bool worker) {
    ++running_loops_;
    if (worker) ++running_workers_;
    // Each loop on its own strand: the wake signal cancels a parked loop's timer through it.
    boost::asio::co_spawn(boost::asio::make_strand(executor_), std::move(loop),
                          [this, worker](std::exception_ptr error) {
                            if (error) log::error("relay.loop_failed", {{"instance", instance_}});
                            if (worker) --running_workers_;
                            worker_finished();
                          });
  };
  for (int i = 0; i < settings_.workers; ++i) spawn(worker_loop(), true);
  // The pacer's collected answers are stored until the last worker has returned.
  spawn(pacer_.run(stopping_, [this] { return running_workers_ == 0; }), false);
  spawn(reaper_loop(), false);
  spawn(webhooks_.run(), false);
  spawn(reconciler_.run(), false);
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
    std::optional<pg::ClaimedDelivery> next = take_claimed();
    if (!next) {
      bool claim_failed = false;
      try {
        next = co_await claim_batch();
      } catch (const std::exception& failure) {
        log::error("relay.claim_failed",
                   {{"instance", instance_}, {"reason", pg::failure_reason(failure)}});
        claim_failed = true;
      }
      if (claim_failed || !next) {
        co_await wake_.wait_for(settings_.poll_interval, ticket);
        continue;
      }
    }
    co_await processor_->process(*next);
  }
  // Claimed by this process and not started: handed back for whoever runs next.
  while (auto left = take_claimed()) co_await processor_->hand_back(*left);
}

std::optional<pg::ClaimedDelivery> RelayEngine::take_claimed() {
  std::lock_guard lock(claimed_mutex_);
  if (claimed_.empty()) return std::nullopt;
  std::optional<pg::ClaimedDelivery> next(std::move(claimed_.front()));
  claimed_.pop_front();
  return next;
}

boost::asio::awaitable<std::optional<pg::ClaimedDelivery>> RelayEngine::claim_batch() {
  std::optional<pg::ClaimedDelivery> mine;
  // One claim at a time per process: the others wait for its batch (woken when it lands).
  if (claiming_.exchange(true)) co_return mine;
  struct Release {
    std::atomic<bool>& flag;
    ~Release() { flag = false; }
  } release{claiming_};
  const std::string token_prefix = instance_ + ":" + std::to_string(++claims_) + ":";
  const std::string actor = "relay:" + instance_;
  const int limit = std::clamp(settings_.workers, 1, max_claim_batch);
  auto batch = co_await store_.claim(token_prefix, limit, settings_.lease,
                                     settings_.patient_cache_ttl, actor);
  if (batch.empty()) co_return mine;
  mine = std::move(batch.front());
  if (batch.size() > 1) {
    {
      std::lock_guard lock(claimed_mutex_);
      for (std::size_t i = 1; i < batch.size(); ++i) claimed_.push_back(std::move(batch[i]));
    }
    wake_.notify_all();
  }
  co_return mine;
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
                 {{"instance", instance_}, {"reason", pg::failure_reason(failure)}});
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
  const pg::RelayStore::ExpiryDecision decide =
      [&](const pg::ExpiredLease& delivery) -> std::optional<pg::DeliveryChange> {
    const auto state = parse_delivery_state(delivery.state);
    if (!state) return std::nullopt;
    const Transition transition =
        next(*state, DeliveryEvent::lease_expired, {delivery.attempts, max_attempts});
    if (!transition.allowed) return std::nullopt;
    ChangeContext context;
    context.delivery_id = delivery.id;
    context.from = *state;
    context.attempts = delivery.attempts;
    context.actor = actor;
    // The transition's note ("lease expired") prefixes both.
    context.reason = "the instance relaying it stopped or stalled";
    context.summary = context.reason;
    context.retry_delay = std::chrono::microseconds(0);
    log::warn("relay.lease_expired", {{"delivery_id", std::to_string(delivery.id)},
                                      {"to", std::string(to_text(transition.to))}});
    return build_change(transition, context);
  };
  co_return co_await store_.reap_expired(reap_batch, decide);
}

}  // namespace relay::engine
