// Per-process tally of the webhook fields the gateway accepted without knowing them: a counter for
// metrics, and each field path reported once per process (a bounded set, so memory stays fixed).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace relay::api {

class IgnoredWebhookFields {
 public:
  // Paths remembered at most; once full, new paths are counted but no longer reported.
  static constexpr std::size_t max_remembered_paths = 256;

  struct Sighting {
    std::vector<std::string> first_seen;  // paths this process had not seen: log each once
    bool remembered_paths_full = false;   // true once, when the set first fills up
  };

  // Counts count ignored fields and reports which of paths (a webhook's listed ones, already safe
  // to log: see metriport::WebhookRequest::ignored_fields) are new. Thread-safe.
  Sighting record(const std::vector<std::string>& paths, std::size_t count);

  // Ignored fields counted since the process started.
  std::uint64_t total() const { return total_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> total_{0};
  std::mutex mutex_;
  std::unordered_set<std::string> seen_;
  bool full_reported_ = false;
};

}  // namespace relay::api
