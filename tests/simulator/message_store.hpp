// Messages accepted by the simulated send, in arrival order, with lookup by ID and the filtered,
// newest-first listing behind GET /message.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tests/simulator/message_shapes.hpp"

namespace relay::sim {

struct MessageFilter {
  std::optional<std::string> patient_id;
  std::optional<std::string> direction;
  std::optional<std::string> destination;
  std::optional<std::string> status;
};

// Not thread-safe: used under the simulator's state mutex. References stay valid until clear().
class MessageStore {
 public:
  // Assigns seq (1-based arrival order) and stores the record.
  MessageRecord& add(MessageRecord record);
  MessageRecord* find(std::string_view id);
  MessageRecord* find_seq(std::uint64_t seq);
  std::vector<const MessageRecord*> matching_newest_first(const MessageFilter& filter) const;
  const std::deque<MessageRecord>& all() const { return messages_; }
  void clear();

 private:
  std::deque<MessageRecord> messages_;
  std::unordered_map<std::string, std::size_t> by_id_;
};

}  // namespace relay::sim
