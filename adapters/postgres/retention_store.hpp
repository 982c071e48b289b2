// Retention's SQL: a pruning pass (content purge, then deletion, in small transactions, one pass at
// a time across processes under an advisory lock, one audit event per pass) and its dry run.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/domain/message.hpp"

namespace relay::pg {

// Key of the session advisory lock a pass holds (ASCII "relayret"): one pass at a time overall.
inline constexpr long long retention_lock_key = 0x72656c6179726574LL;

struct RetentionPolicy {
  int content_days = 30;   // content purged this long after the message's relaying ended
  int records_days = 365;  // finished messages (and their rows) deleted this long after
  int batch_size = 500;    // candidates (messages, webhook events, rejections) per transaction
};

// What a pass changed, or (dry run) would change. Purged rows stay with their ids, file names,
// sizes and hashes; deleted rows are gone (audit events are never deleted).
struct RetentionCounts {
  std::int64_t messages_purged = 0;     // subject, body, sender name, relay copies cleared
  std::int64_t attachments_purged = 0;  // bytes cleared
  std::int64_t webhook_payloads_purged = 0;
  std::int64_t messages_deleted = 0;
  std::int64_t patients_deleted = 0;
  std::int64_t attachments_deleted = 0;
  std::int64_t deliveries_deleted = 0;
  std::int64_t sends_deleted = 0;
  std::int64_t documents_deleted = 0;
  std::int64_t webhook_events_deleted = 0;
  std::int64_t webhook_rejections_deleted = 0;
  bool operator==(const RetentionCounts&) const = default;
};

struct RetentionPass {
  enum class Outcome {
    pruned,   // ran to the end (an audit event records it)
    stopped,  // stop was set between two transactions (an audit event records what was done)
    busy,     // another process holds the retention lock: nothing done
    recent,   // another pass ended less than min_gap ago: nothing done
  };
  Outcome outcome = Outcome::pruned;
  RetentionCounts counts;
  int transactions = 0;                    // committed batches that changed rows
  domain::EpochMicros content_cutoff = 0;  // what ended before this had its content purged
  domain::EpochMicros records_cutoff = 0;  // what ended before this was deleted
};

const char* to_string(RetentionPass::Outcome outcome);  // "pruned", "stopped", "busy", "recent"

class RetentionStore {
 public:
  explicit RetentionStore(ConnectionPool& pool) : pool_(pool) {}

  // One pass on one connection of the pool (hold a pool of its own for it: a pass holds its
  // connection throughout). Skips (busy) when another session holds the retention lock, and
  // (recent) when a pass ended less than min_gap ago (zero: never). Checks stop between
  // transactions. Writes one audit event (actor, policy, cutoffs, counts) unless it skipped.
  boost::asio::awaitable<RetentionPass> prune(const RetentionPolicy& policy,
                                              const std::string& actor,
                                              const std::atomic<bool>& stop,
                                              std::chrono::seconds min_gap);

  // What prune would change now, from the same eligibility rules; changes nothing, takes no lock
  // and writes no audit event. outcome is pruned, transactions 0.
  boost::asio::awaitable<RetentionPass> preview(const RetentionPolicy& policy);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
