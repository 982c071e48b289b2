// Idempotency rules of DESIGN.md "State": identical re-posts are no-ops, Drafts may change, and a
// message once queued or relayed never changes content.
#include "gateway/domain/intake_decision.hpp"

namespace relay::domain {

IntakeAction decide_intake(const std::optional<StoredVersion>& stored,
                           const std::string& posted_content_hash) {
  if (!stored) return IntakeAction::create;
  if (stored->content_hash == posted_content_hash) return IntakeAction::unchanged;
  if (stored->requested_status == RequestedStatus::draft) return IntakeAction::update_draft;
  return IntakeAction::conflict;
}

const char* audit_event_for(IntakeAction action, RequestedStatus posted_status) {
  const bool queued = posted_status == RequestedStatus::sent;
  switch (action) {
    case IntakeAction::create:
      return queued ? "message.queued" : "message.drafted";
    case IntakeAction::update_draft:
      return queued ? "message.draft_promoted" : "message.draft_updated";
    case IntakeAction::unchanged:
      return "message.reposted";
    case IntakeAction::conflict:
      return "message.conflict";
  }
  return "message.unknown";
}

}  // namespace relay::domain
