// The states of one delivery (one patient's copy of a message) and of one of its Metriport sends,
// spelled exactly like the CHECK constraints in schema/0001_init.sql, with the engine's groupings.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace relay::domain {

enum class DeliveryState {
  draft,
  queued,
  resolving,
  uploading,
  sending,
  accepted,
  completed,
  failed,
  retry_wait,
  dead,
  cancelled,
};

inline constexpr std::array<DeliveryState, 11> all_delivery_states = {
    DeliveryState::draft,     DeliveryState::queued,    DeliveryState::resolving,
    DeliveryState::uploading, DeliveryState::sending,   DeliveryState::accepted,
    DeliveryState::completed, DeliveryState::failed,    DeliveryState::retry_wait,
    DeliveryState::dead,      DeliveryState::cancelled,
};

// The database spelling ("retry_wait", ...).
std::string_view to_text(DeliveryState state);
// Inverse of to_text; nullopt for anything the CHECK constraint would reject.
std::optional<DeliveryState> parse_delivery_state(std::string_view text);

// completed, failed, cancelled: never move again.
bool is_terminal(DeliveryState state);
// resolving, uploading, sending: held by a worker under a lease.
bool is_in_flight(DeliveryState state);
// queued, retry_wait: what the claim query may pick up.
bool is_claimable(DeliveryState state);

// One Metriport send of a delivery (delivery_sends.status): pending (not written), sending (written
// or about to be: in doubt until an id is recorded), processing (Metriport's id recorded), then
// completed or failed as Metriport reports.
enum class SendStatus { pending, sending, processing, completed, failed };

std::string_view to_text(SendStatus status);
std::optional<SendStatus> parse_send_status(std::string_view text);
// Has Metriport's id (processing, completed, failed): never sent again.
bool is_settled(SendStatus status);

}  // namespace relay::domain
