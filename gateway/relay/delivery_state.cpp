// Text form and groupings of delivery states; the text must stay identical to the SQL CHECK values
// because the repository stores and reads it verbatim.
#include "gateway/relay/delivery_state.hpp"

namespace relay::engine {

std::string_view to_text(DeliveryState state) {
  switch (state) {
    case DeliveryState::draft:
      return "draft";
    case DeliveryState::queued:
      return "queued";
    case DeliveryState::resolving:
      return "resolving";
    case DeliveryState::uploading:
      return "uploading";
    case DeliveryState::sending:
      return "sending";
    case DeliveryState::accepted:
      return "accepted";
    case DeliveryState::completed:
      return "completed";
    case DeliveryState::failed:
      return "failed";
    case DeliveryState::retry_wait:
      return "retry_wait";
    case DeliveryState::dead:
      return "dead";
    case DeliveryState::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<DeliveryState> parse_delivery_state(std::string_view text) {
  for (const DeliveryState state : all_delivery_states) {
    if (to_text(state) == text) return state;
  }
  return std::nullopt;
}

bool is_terminal(DeliveryState state) {
  return state == DeliveryState::completed || state == DeliveryState::failed ||
         state == DeliveryState::cancelled;
}

bool is_in_flight(DeliveryState state) {
  return state == DeliveryState::resolving || state == DeliveryState::uploading ||
         state == DeliveryState::sending;
}

bool is_claimable(DeliveryState state) {
  return state == DeliveryState::queued || state == DeliveryState::retry_wait;
}

}  // namespace relay::engine
