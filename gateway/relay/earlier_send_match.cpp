// Matching rules for reconciling an ambiguous send with Metriport's list of outbound messages.
// Deterministic: the same inputs always pick the same message.
#include "gateway/relay/earlier_send_match.hpp"

#include <algorithm>

#include "gateway/domain/text.hpp"

namespace relay::engine {
namespace {

std::vector<std::string> as_set(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

bool matches(const SentCandidate& candidate, const ExpectedSend& expected,
             const std::vector<std::string>& expected_attachments, std::int64_t earliest,
             const std::set<std::string>& known_ids) {
  if (candidate.subject != expected.subject) return false;
  if (!domain::iequals(candidate.destination, expected.destination)) return false;
  if (candidate.body && expected.body && *candidate.body != *expected.body) return false;
  if (!candidate.sent_at || *candidate.sent_at < earliest) return false;
  if (known_ids.count(candidate.id) != 0) return false;
  return as_set(candidate.attachments) == expected_attachments;
}

}  // namespace

std::optional<std::string> pick_earlier_send(const std::vector<SentCandidate>& candidates,
                                             const ExpectedSend& expected,
                                             std::int64_t first_attempt_started_micros,
                                             std::int64_t skew_micros,
                                             const std::set<std::string>& known_ids) {
  const std::vector<std::string> expected_attachments = as_set(expected.attachments);
  const std::int64_t earliest =
      first_attempt_started_micros - std::max<std::int64_t>(0, skew_micros);
  const SentCandidate* best = nullptr;
  for (const SentCandidate& candidate : candidates) {
    if (!matches(candidate, expected, expected_attachments, earliest, known_ids)) continue;
    if (best == nullptr || *candidate.sent_at < *best->sent_at ||
        (*candidate.sent_at == *best->sent_at && candidate.id < best->id)) {
      best = &candidate;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->id;
}

}  // namespace relay::engine
