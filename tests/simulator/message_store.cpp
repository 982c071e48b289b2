// MessageStore: a deque (stable references) plus an ID index; listing scans newest first, which is
// plenty for the tens of thousands of messages a test run creates.
#include "tests/simulator/message_store.hpp"

#include "gateway/domain/text.hpp"

namespace relay::sim {

MessageRecord& MessageStore::add(MessageRecord record) {
  record.seq = messages_.size() + 1;
  by_id_[domain::to_lower_ascii(record.id)] = messages_.size();
  messages_.push_back(std::move(record));
  return messages_.back();
}

MessageRecord* MessageStore::find(std::string_view id) {
  const auto found = by_id_.find(domain::to_lower_ascii(id));
  return found == by_id_.end() ? nullptr : &messages_[found->second];
}

MessageRecord* MessageStore::find_seq(std::uint64_t seq) {
  if (seq == 0 || seq > messages_.size()) return nullptr;
  return &messages_[seq - 1];
}

std::vector<const MessageRecord*> MessageStore::matching_newest_first(
    const MessageFilter& filter) const {
  std::vector<const MessageRecord*> out;
  if (filter.direction && *filter.direction != "outbound") return out;
  for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
    if (filter.patient_id && !domain::iequals(it->patient_id, *filter.patient_id)) continue;
    if (filter.destination && it->destination != *filter.destination) continue;
    if (filter.status && it->status != *filter.status) continue;
    out.push_back(&*it);
  }
  return out;
}

void MessageStore::clear() {
  messages_.clear();
  by_id_.clear();
}

}  // namespace relay::sim
