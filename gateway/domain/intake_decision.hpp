// What a post does to the stored message with the same ExternalId: the idempotency and Draft rules.
// A pure function, so every combination is unit-tested without a database.
#pragma once

#include <optional>
#include <string>

#include "gateway/domain/message.hpp"

namespace relay::domain {

enum class IntakeAction {
  create,        // no message with that ExternalId yet
  unchanged,     // identical re-post: answer the stored model, create nothing
  update_draft,  // the stored message is a Draft: replace it (and queue it if now Sent)
  conflict,      // different payload for a message already queued or relayed: 409
};

struct StoredVersion {
  RequestedStatus requested_status = RequestedStatus::draft;
  std::string content_hash;
};

IntakeAction decide_intake(const std::optional<StoredVersion>& stored,
                           const std::string& posted_content_hash);

// Audit event name for an action that changed something ("message.created", ...).
const char* audit_event_for(IntakeAction action, RequestedStatus posted_status);

}  // namespace relay::domain
