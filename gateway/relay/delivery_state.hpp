// The domain's delivery and send states (gateway/domain/delivery_state.hpp) named in the engine's
// namespace, where the state machine and the workers use them unqualified.
#pragma once

#include "gateway/domain/delivery_state.hpp"

namespace relay::engine {

using domain::all_delivery_states;
using domain::DeliveryState;
using domain::is_claimable;
using domain::is_in_flight;
using domain::is_settled;
using domain::is_terminal;
using domain::parse_delivery_state;
using domain::parse_send_status;
using domain::SendStatus;
using domain::to_text;

}  // namespace relay::engine
