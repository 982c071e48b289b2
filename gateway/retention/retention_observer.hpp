// What the retention scheduler reports after each attempt at a pass, for metrics: an interface
// here so the metrics code (or a test) can count passes and rows without this unit knowing it.
#pragma once

#include <chrono>

#include "adapters/postgres/retention_store.hpp"

namespace relay::retention {

enum class PassResult {
  pruned,   // ran to the end
  stopped,  // the process began stopping mid-pass (what committed stays)
  busy,     // another process was pruning
  recent,   // another process had pruned less than 90% of an interval ago
  failed,   // the database failed (logged; retried next interval)
};

const char* to_string(PassResult result);  // "pruned", "stopped", "busy", "recent", "failed"

struct PassReport {
  PassResult result = PassResult::pruned;
  pg::RetentionCounts counts;  // rows purged and deleted (zero unless pruned or stopped)
  int transactions = 0;
  std::chrono::system_clock::time_point finished_at;
  std::chrono::steady_clock::duration duration{};
};

class RetentionObserver {
 public:
  virtual ~RetentionObserver() = default;
  // Called once per attempt, on the scheduler's strand; must not block.
  virtual void pass_finished(const PassReport& report) = 0;
};

}  // namespace relay::retention
