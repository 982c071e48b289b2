// RelayEngine: N worker loops (claim, relay, repeat; sleep on the wake signal when idle) and one
// reaper loop moving deliveries whose lease expired back to the queue through the state machine.
#include "gateway/relay/relay_engine.hpp"

#include <unistd.h>

#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/postgres/delivery_repository.hpp"
#include "adapters/postgres/delivery_status_repository.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/outage.hpp"
#include "adapters/postgres/webhook_repository.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/delivery_state_machine.hpp"
#include "gateway/relay/status_applier.hpp"

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

// A log-safe reason for a loop's failure: the kind of database outage (the loop retries, and
// succeeds once the database is back), else the SQLSTATE; never the text (it may quote values).
std::string loop_failure_reason(const std::exception& failure) {
  if (auto outage = pg::outage_reason(failure)) return *outage;
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure)) {
    return "sqlstate " + sql->sqlstate();
  }
  return "fault";
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
      listener_(config.database.url, pg::delivery_channel, [this] { wake_.notify_all(); }) {
  processor_ = std::make_unique<DeliveryProcessor>(
      pool_, client_, pacer_, pauses_, processor_settings(config, instance_), stopping_,
      metrics_);
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
  spawn(webhook_loop());
  spawn(reconcile_loop());
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

boost::asio::awaitable<void> RelayEngine::webhook_loop() {
  while (!stopping_) {
    const auto ticket = wake_.ticket();
    bool applied = false;
    try {
      applied = co_await apply_next_webhook(false);
    } catch (const std::exception& failure) {
      log::error("relay.webhook_apply_failed",
                 {{"instance", instance_}, {"reason", loop_failure_reason(failure)}});
    }
    if (!applied) co_await wake_.wait_for(settings_.poll_interval, ticket);
  }
}

// One event per transaction: an event that cannot be applied is set aside ('unapplicable') instead
// of blocking every later one, and no two events' row locks are ever held together.
boost::asio::awaitable<bool> RelayEngine::apply_next_webhook(bool waiting) {
  const int max_attempts = settings_.max_attempts;
  std::optional<pg::UnappliedWebhook> failed;
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

boost::asio::awaitable<void> RelayEngine::reconcile_loop() {
  while (!stopping_) {
    try {
      co_await reconcile_once();
    } catch (const std::exception& failure) {
      log::error("relay.reconcile_failed",
                 {{"instance", instance_}, {"reason", loop_failure_reason(failure)}});
    }
    // Once per interval; a wake-up (new work, shutdown) only makes it look at stopping_ again.
    const auto until = std::chrono::steady_clock::now() + settings_.reconcile_interval;
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
      const auto ticket = wake_.ticket();
      co_await wake_.wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  until - std::chrono::steady_clock::now()),
                              ticket);
    }
  }
}

boost::asio::awaitable<void> RelayEngine::reconcile_once() {
  const int reconcile_after = static_cast<int>(settings_.reconcile_after.count());
  const int flag_after = static_cast<int>(settings_.flag_after.count());
  const std::string actor = "relay:" + instance_;
  // Webhooks still waiting although their send has meanwhile been recorded (a crash between the
  // id and its application), one per transaction.
  for (int i = 0; i < 100 && !stopping_; ++i) {
    if (!co_await apply_next_webhook(true)) break;
  }
  co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    for (const auto id : pg::DeliveryStatusRepository::flag_unconfirmed(tx, flag_after)) {
      pg::append_audit_event(tx, {actor, "delivery", std::to_string(id), "delivery.unconfirmed",
                                  "{\"reason\":\"no confirmation from Metriport\"}"});
      log::warn("relay.delivery_unconfirmed", {{"delivery_id", std::to_string(id)}});
    }
    tx.commit();
  });
  constexpr int batch = 50;
  for (int round = 0; round < 20 && !stopping_; ++round) {
    const auto due = co_await pool_.run([&](pqxx::connection& connection) {
      pqxx::work tx(connection);
      auto ids = pg::DeliveryStatusRepository::take_unconfirmed(tx, reconcile_after, batch);
      tx.commit();
      return ids;
    });
    for (const std::int64_t delivery_id : due) {
      if (stopping_) break;
      co_await reconcile_delivery(delivery_id);
    }
    if (static_cast<int>(due.size()) < batch) break;
  }
}

boost::asio::awaitable<void> RelayEngine::reconcile_delivery(std::int64_t delivery_id) {
  const int max_attempts = settings_.max_attempts;
  const std::string actor = "relay:" + instance_;
  const auto message_ids = co_await pool_.run([delivery_id](pqxx::connection& connection) {
    pqxx::work tx(connection);
    auto ids = pg::DeliveryStatusRepository::processing_message_ids(tx, delivery_id);
    tx.commit();
    return ids;
  });
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
    const StatusReport report{message_id, record.status, record.updated_at.value_or("now"),
                              record.reason};
    co_await pool_.run([&](pqxx::connection& connection) {
      pqxx::work tx(connection);
      Settlements settled;
      apply_status(tx, report, actor, max_attempts, &settled);
      tx.commit();
      engine::report(settled, metrics_);
    });
    log::info("relay.status_polled", {{"delivery_id", std::to_string(delivery_id)},
                                      {"metriport_message_id", message_id},
                                      {"status", record.status}});
  }
  // Every part may have its final status already (webhooks applied before the delivery was
  // accepted, and the settle after acceptance lost to a crash): settle it now.
  co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    Settlements settled;
    settle_delivery(tx, delivery_id, actor, max_attempts, &settled);
    tx.commit();
    report(settled, metrics_);
  });
}

}  // namespace relay::engine
