// The event pipeline: decide the outcome and the webhook's fate under the lock, then post outside
// it (capture line first), recording each POST and the gateway's status. Metriport never retries.
#include "tests/simulator/status_events.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/log/log.hpp"
#include "tests/simulator/random_source.hpp"
#include "tests/simulator/sim_clock.hpp"
#include "tests/simulator/webhook_client.hpp"

namespace relay::sim {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::chrono::milliseconds webhook_timeout = 4s;

// One webhook ready to post: the bytes are fixed once, duplicates repeat them exactly.
struct PreparedWebhook {
  std::string event_id;
  std::string message_id;
  std::string url;
  std::string key;
  std::string body;
  std::string signature;
};

// Sets the new status on the record (state mutex held) and builds the webhook for it.
PreparedWebhook apply_status(SimState& state, MessageRecord& message, const std::string& status,
                             std::optional<std::string> reason) {
  const std::string now = now_iso();
  message.status = status;
  message.updated_at = now;
  message.completed_at = now;
  message.reason = status == "failed"
                       ? std::optional<std::string>(reason ? *reason : state.settings.failed_reason)
                       : std::nullopt;
  if (status == "failed") {
    ++state.log.counters.messages_failed;
  } else {
    ++state.log.counters.messages_completed;
  }
  ++state.log.counters.webhook_events;
  PreparedWebhook hook;
  hook.event_id = random_uuid_v4();
  hook.message_id = message.id;
  hook.url = state.settings.webhook_url;
  hook.key = state.settings.webhook_key;
  hook.body = webhook_body(message, hook.event_id, now);
  hook.signature = webhook_signature(hook.key, hook.body);
  return hook;
}

WebhookRecord record_for(const PreparedWebhook& hook, std::string fate) {
  WebhookRecord record;
  record.event_id = hook.event_id;
  record.message_id = hook.message_id;
  record.raw_body = hook.body;
  record.signature = hook.signature;
  record.fate = std::move(fate);
  record.sent_at = now_iso();
  return record;
}

// Posts once and records the POST and the gateway's answer (unless a reset came in between).
asio::awaitable<void> post_once(std::shared_ptr<SimContext> context, const PreparedWebhook& hook,
                                std::uint64_t generation, const std::string& fate) {
  std::size_t index = 0;
  {
    std::lock_guard lock(context->state.mutex);
    if (context->state.generation != generation) co_return;
    index = context->state.log.add_webhook(record_for(hook, fate));
  }
  context->capture.webhook(hook.body, hook.signature, hook.key);
  const int status = co_await post_webhook(hook.url, hook.body, hook.signature, webhook_timeout);
  log::info("sim.webhook_posted", {{"event_id", hook.event_id},
                                   {"message", hook.message_id},
                                   {"fate", fate},
                                   {"gateway_status", std::to_string(status)}});
  std::lock_guard lock(context->state.mutex);
  if (context->state.generation == generation) context->state.log.set_webhook_status(index, status);
}

struct Plan {
  bool lost = false;
  bool duplicate = false;
  std::chrono::milliseconds extra_delay{0};
};

asio::awaitable<void> deliver(std::shared_ptr<SimContext> context, PreparedWebhook hook,
                              std::uint64_t generation, Plan plan) {
  if (plan.extra_delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, plan.extra_delay);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_await post_once(context, hook, generation, "posted");
  if (plan.duplicate) co_await post_once(context, hook, generation, "duplicate");
}

void finish_pending(SimContext& context) {
  std::lock_guard lock(context.state.mutex);
  if (context.state.log.counters.webhooks_pending > 0)
    --context.state.log.counters.webhooks_pending;
}

asio::awaitable<void> run_automatic_event(std::shared_ptr<SimContext> context,
                                          std::string message_id, std::uint64_t generation,
                                          std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
  std::optional<PreparedWebhook> hook;
  Plan plan;
  {
    std::lock_guard lock(context->state.mutex);
    SimState& state = context->state;
    MessageRecord* message =
        state.generation == generation ? state.messages.find(message_id) : nullptr;
    if (message != nullptr && message->status != "processing") {
      ++state.log.counters.webhooks_superseded;
    } else if (message != nullptr) {
      const bool failed = state.dice.chance(state.settings.failed_rate);
      hook = apply_status(state, *message, failed ? "failed" : "completed", std::nullopt);
      plan.lost = state.dice.chance(state.settings.webhook_loss_rate);
      plan.duplicate = state.dice.chance(state.settings.webhook_duplicate_rate);
      plan.extra_delay = std::chrono::milliseconds(
          state.dice.up_to(static_cast<std::uint64_t>(state.settings.webhook_reorder_window_ms)));
      log::info("sim.message_status_changed",
                {{"message", message_id}, {"status", message->status}});
      if (hook->url.empty()) {
        hook.reset();
      } else if (plan.lost) {
        state.log.add_webhook(record_for(*hook, "lost"));
        log::info("sim.webhook_lost", {{"event_id", hook->event_id}, {"message", message_id}});
        hook.reset();
      }
    }
  }
  if (hook) co_await deliver(context, std::move(*hook), generation, plan);
}

void spawn_with_pending(std::shared_ptr<SimContext> context, asio::awaitable<void> task) {
  asio::co_spawn(context->executor, std::move(task), [context](std::exception_ptr failure) {
    if (failure) log::error("sim.status_event_failed");
    finish_pending(*context);
  });
}

}  // namespace

void schedule_status_event(std::shared_ptr<SimContext> context, std::string message_id,
                           std::uint64_t generation, std::chrono::milliseconds delay) {
  spawn_with_pending(context,
                     run_automatic_event(context, std::move(message_id), generation, delay));
}

bool change_status_by_hand(std::shared_ptr<SimContext> context, const std::string& message_id,
                           const std::string& status, std::optional<std::string> reason,
                           bool webhook) {
  std::optional<PreparedWebhook> hook;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(context->state.mutex);
    SimState& state = context->state;
    MessageRecord* message = state.messages.find(message_id);
    if (message == nullptr) return false;
    hook = apply_status(state, *message, status, std::move(reason));
    generation = state.generation;
    log::info("sim.message_status_set", {{"message", message_id}, {"status", status}});
    if (!webhook || hook->url.empty()) return true;
    ++state.log.counters.webhooks_pending;
  }
  // Spawned after the lock is released: the task may start inline and takes the lock itself.
  spawn_with_pending(context, deliver(context, std::move(*hook), generation, Plan{}));
  return true;
}

}  // namespace relay::sim
