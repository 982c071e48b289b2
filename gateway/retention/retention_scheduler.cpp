// RetentionScheduler: the loop (pass, wait an interval, repeat) on a strand of its own, a pool of
// one connection for the passes, log lines and observer reports with counts only (never PHI).
#include "gateway/retention/retention_scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/postgres/failure_reason.hpp"
#include "gateway/log/log.hpp"

namespace relay::retention {
namespace {

PassResult result_of(pg::RetentionPass::Outcome outcome) {
  switch (outcome) {
    case pg::RetentionPass::Outcome::pruned:
      return PassResult::pruned;
    case pg::RetentionPass::Outcome::stopped:
      return PassResult::stopped;
    case pg::RetentionPass::Outcome::busy:
      return PassResult::busy;
    case pg::RetentionPass::Outcome::recent:
      return PassResult::recent;
  }
  return PassResult::failed;
}

void log_pass(const pg::RetentionPass& pass) {
  const auto& c = pass.counts;
  log::info("retention.pruned",
            {{"outcome", pg::to_string(pass.outcome)},
             {"transactions", std::to_string(pass.transactions)},
             {"messages_purged", std::to_string(c.messages_purged)},
             {"attachments_purged", std::to_string(c.attachments_purged)},
             {"webhook_payloads_purged", std::to_string(c.webhook_payloads_purged)},
             {"messages_deleted", std::to_string(c.messages_deleted)},
             {"deliveries_deleted", std::to_string(c.deliveries_deleted)},
             {"webhook_events_deleted", std::to_string(c.webhook_events_deleted)},
             {"webhook_rejections_deleted", std::to_string(c.webhook_rejections_deleted)}});
}

}  // namespace

const char* to_string(PassResult result) {
  switch (result) {
    case PassResult::pruned:
      return "pruned";
    case PassResult::stopped:
      return "stopped";
    case PassResult::busy:
      return "busy";
    case PassResult::recent:
      return "recent";
    case PassResult::failed:
      return "failed";
  }
  return "failed";
}

pg::RetentionPolicy policy_from(const config::RetentionSettings& settings) {
  return {settings.content_days, settings.records_days, settings.batch_size};
}

std::chrono::seconds min_gap_for(std::chrono::seconds interval) {
  return interval * 9 / 10;
}

RetentionScheduler::RetentionScheduler(boost::asio::any_io_executor executor,
                                       const config::Config& config, std::string instance,
                                       RetentionObserver* observer)
    : strand_(boost::asio::make_strand(executor)),
      settings_(config.retention),
      actor_("retention:" + instance),
      observer_(observer),
      pool_(config.database.url, 1),
      store_(pool_),
      timer_(strand_) {}

RetentionScheduler::~RetentionScheduler() {
  stopping_ = true;
  pool_.stop();  // waits for a pass still running on the pool's thread
}

void RetentionScheduler::start() {
  {
    std::lock_guard lock(stop_mutex_);
    running_ = true;
  }
  boost::asio::co_spawn(strand_, loop(), [this](std::exception_ptr error) {
    if (error) log::error("retention.loop_failed", {{"actor", actor_}});
    loop_finished();
  });
  log::info("retention.started", {{"actor", actor_},
                                  {"interval_seconds", std::to_string(settings_.interval.count())},
                                  {"content_days", std::to_string(settings_.content_days)},
                                  {"records_days", std::to_string(settings_.records_days)}});
}

void RetentionScheduler::begin_stop(std::function<void()> on_stopped) {
  bool running = false;
  {
    std::lock_guard lock(stop_mutex_);
    running = running_;
    if (running) on_stopped_ = std::move(on_stopped);
  }
  stopping_ = true;
  if (!running) {
    boost::asio::post(strand_.get_inner_executor(), std::move(on_stopped));
    return;
  }
  // On the strand: either the loop is waiting (the cancel ends the wait) or it checks stopping_
  // before it waits again.
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

void RetentionScheduler::loop_finished() {
  std::function<void()> done;
  {
    std::lock_guard lock(stop_mutex_);
    running_ = false;
    done = std::exchange(on_stopped_, nullptr);
  }
  log::info("retention.stopped", {{"actor", actor_}});
  if (done) boost::asio::post(strand_.get_inner_executor(), std::move(done));
}

boost::asio::awaitable<void> RetentionScheduler::loop() {
  while (!stopping_) {
    co_await run_once();
    if (stopping_) break;
    timer_.expires_after(settings_.interval);
    boost::system::error_code ignored;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
}

boost::asio::awaitable<void> RetentionScheduler::run_once() {
  const pg::RetentionPolicy policy = policy_from(settings_);
  const auto min_gap = min_gap_for(settings_.interval);
  const auto started = std::chrono::steady_clock::now();
  PassReport report;
  try {
    const pg::RetentionPass pass = co_await store_.prune(policy, actor_, stopping_, min_gap);
    report.result = result_of(pass.outcome);
    report.counts = pass.counts;
    report.transactions = pass.transactions;
    if (report.result == PassResult::pruned || report.result == PassResult::stopped) {
      log_pass(pass);
    } else {
      log::info("retention.skipped", {{"actor", actor_}, {"reason", pg::to_string(pass.outcome)}});
    }
  } catch (const std::exception& failure) {
    report.result = PassResult::failed;
    log::error("retention.failed", {{"actor", actor_}, {"reason", pg::failure_reason(failure)}});
  }
  report.finished_at = std::chrono::system_clock::now();
  report.duration = std::chrono::steady_clock::now() - started;
  if (observer_ != nullptr) observer_->pass_finished(report);
}

}  // namespace relay::retention
