// IgnoredWebhookFields: one mutex around the remembered paths; the counter is a relaxed atomic so
// a metrics reader never waits for it.
#include "gateway/api/ignored_webhook_fields.hpp"

namespace relay::api {

IgnoredWebhookFields::Sighting IgnoredWebhookFields::record(const std::vector<std::string>& paths,
                                                            std::size_t count) {
  total_.fetch_add(count, std::memory_order_relaxed);
  Sighting sighting;
  const std::lock_guard lock(mutex_);
  for (const auto& path : paths) {
    if (seen_.contains(path)) continue;
    if (seen_.size() >= max_remembered_paths) {
      if (!full_reported_) sighting.remembered_paths_full = full_reported_ = true;
      continue;
    }
    seen_.insert(path);
    sighting.first_seen.push_back(path);
  }
  return sighting;
}

}  // namespace relay::api
