// The stored message as the portal shows it: Id, CreationDate, SentDate and Status set by us,
// files base64-encoded again (or, in search rows, listed by name only).
#pragma once

#include "adapters/portal/message_model.hpp"
#include "gateway/domain/message.hpp"

namespace relay::api {

portal::OutgoingSecureMessageModel to_portal_model(const domain::StoredMessage& message);

}  // namespace relay::api
