// Validation and translation of a posted OutgoingSecureMessageModel into the relayed message.
// Every rule Metriport would enforce later is checked here, so an accepted message can be sent.
#pragma once

#include "adapters/portal/message_model.hpp"
#include "gateway/config/config.hpp"
#include "gateway/domain/message.hpp"
#include "gateway/domain/outcome.hpp"

namespace relay::intake {

// Metriport's own limits (messageSendBodySchema), counted in UTF-16 units as JavaScript does.
inline constexpr std::size_t metriport_max_subject_chars = 255;
inline constexpr std::size_t metriport_max_body_chars = 5000;
inline constexpr std::size_t max_sender_name_chars = 255;

// Collects every field error (400); when the input is valid but the sender has no route (the
// vendor's own routes first, then the global table), answers 422.
domain::Outcome<domain::ValidatedMessage> validate_message(
    const portal::OutgoingSecureMessageModel& model, const config::IntakeLimits& limits,
    const config::RoutingTable& routing, const std::string& vendor_name = {});

// The idempotency key: a hash of everything the vendor sent that matters (not Id or dates, not the
// route).
std::string content_hash(const domain::ValidatedMessage& message);

}  // namespace relay::intake
