// Text form and groupings of delivery and send states; the text must stay identical to the SQL
// CHECK values because the repositories store and read it verbatim.
#include "gateway/domain/delivery_state.hpp"

#include <array>

namespace relay::domain {

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

std::string_view to_text(SendStatus status) {
  switch (status) {
    case SendStatus::pending:
      return "pending";
    case SendStatus::sending:
      return "sending";
    case SendStatus::processing:
      return "processing";
    case SendStatus::completed:
      return "completed";
    case SendStatus::failed:
      return "failed";
  }
  return "unknown";
}

std::optional<SendStatus> parse_send_status(std::string_view text) {
  static constexpr std::array<SendStatus, 5> all{SendStatus::pending, SendStatus::sending,
                                                 SendStatus::processing, SendStatus::completed,
                                                 SendStatus::failed};
  for (const SendStatus status : all) {
    if (to_text(status) == text) return status;
  }
  return std::nullopt;
}

bool is_settled(SendStatus status) {
  return status == SendStatus::processing || status == SendStatus::completed ||
         status == SendStatus::failed;
}

}  // namespace relay::domain
