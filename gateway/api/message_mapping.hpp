// The stored message as the portal shows it: OutgoingSecureMessageModel with Id, CreationDate,
// SentDate and Status set by the gateway, files base64-encoded again (or listed by name only in
// search rows).
#pragma once

#include "adapters/portal/message_model.hpp"
#include "gateway/domain/message.hpp"

namespace relay::api {

portal::OutgoingSecureMessageModel to_portal_model(const domain::StoredMessage& message);

}  // namespace relay::api
