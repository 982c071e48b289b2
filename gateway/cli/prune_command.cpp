// relay-gateway prune [--dry-run]: one retention pass now, the same pass serve runs every interval
// (the lock, the batches, one audit event); --dry-run prints what it would change and changes none.
#include <iostream>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/retention_store.hpp"
#include "gateway/cli/cli.hpp"
#include "gateway/cli/run_sync.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/retention/retention_scheduler.hpp"

namespace relay::cli {
namespace {

constexpr const char* cli_actor = "cli";

void print_pass(const pg::RetentionPass& pass, const char* outcome) {
  const auto& c = pass.counts;
  std::cout << "outcome " << outcome << "\n";
  std::cout << "content_cutoff " << domain::format_iso8601_utc(pass.content_cutoff) << "\n";
  std::cout << "records_cutoff " << domain::format_iso8601_utc(pass.records_cutoff) << "\n";
  std::cout << "messages_purged " << c.messages_purged << "\n";
  std::cout << "attachments_purged " << c.attachments_purged << "\n";
  std::cout << "webhook_payloads_purged " << c.webhook_payloads_purged << "\n";
  std::cout << "messages_deleted " << c.messages_deleted << "\n";
  std::cout << "patients_deleted " << c.patients_deleted << "\n";
  std::cout << "attachments_deleted " << c.attachments_deleted << "\n";
  std::cout << "deliveries_deleted " << c.deliveries_deleted << "\n";
  std::cout << "sends_deleted " << c.sends_deleted << "\n";
  std::cout << "documents_deleted " << c.documents_deleted << "\n";
  std::cout << "webhook_events_deleted " << c.webhook_events_deleted << "\n";
  std::cout << "webhook_rejections_deleted " << c.webhook_rejections_deleted << "\n";
  std::cout << "transactions " << pass.transactions << "\n";
}

}  // namespace

int prune_command(const config::Config& config, const std::vector<std::string>& words) {
  const bool dry_run = words.size() == 2 && words[1] == "--dry-run";
  if (words.size() != 1 && !dry_run) return -1;
  if (config.database.url.empty()) {
    std::cerr << "relay-gateway: DATABASE_URL is not set\n";
    return 2;
  }
  pg::ConnectionPool pool(config.database.url, 1);
  pg::RetentionStore store(pool);
  const pg::RetentionPolicy policy = retention::policy_from(config.retention);
  if (dry_run) {
    const auto pass = run_sync(store.preview(policy));
    print_pass(pass, "dry_run");
    std::cout << "(dry run: nothing was changed)\n";
    return 0;
  }
  const std::atomic<bool> never_stop{false};
  const std::string actor = cli_actor;
  const auto pass = run_sync(store.prune(policy, actor, never_stop, std::chrono::seconds(0)));
  if (pass.outcome == pg::RetentionPass::Outcome::busy) {
    std::cerr << "relay-gateway: another process is pruning now (the retention lock is held); "
                 "nothing was changed\n";
    return 1;
  }
  print_pass(pass, pg::to_string(pass.outcome));
  return 0;
}

}  // namespace relay::cli
