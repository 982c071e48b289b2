// SQL for outgoing messages: insert, draft replacement, read back, search; scoped to a vendor.
// Runs in the caller's transaction so intake stores message, patients, files, deliveries at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "gateway/domain/message.hpp"

namespace relay::pg {

// Reads that take several statements (a message, its patients, its files; a search page) run in one
// snapshot, so a concurrent Draft update can never be seen half-applied.
using SnapshotRead = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// What intake needs to decide how to treat a re-post of an ExternalId.
struct ExistingMessage {
  std::string id;
  domain::RequestedStatus requested_status = domain::RequestedStatus::draft;
  std::string content_hash;
  domain::EpochMicros creation_date = 0;
};

struct InsertedMessage {
  std::string id;
  domain::EpochMicros creation_date = 0;
  bool queued_deliveries = false;  // the message asked to be sent: wake the relay after commit
};

enum class SentDateOperator {
  none,
  equals,        // same UTC day as sent_date1
  greater_than,  // after sent_date1
  less_than,     // before sent_date1
  greater_or_equal,
  less_or_equal,
  between,         // sent_date1 <= sent_date <= sent_date2
  different_than,  // not on the UTC day of sent_date1
};

struct SearchQuery {
  std::optional<domain::PortalStatus> status;
  std::optional<domain::Priority> priority;
  std::optional<std::string> from_text;            // contains, in sender external ID or name
  std::optional<std::string> subject;              // contains, case-insensitive
  std::optional<std::string> body;                 // contains, case-insensitive
  std::optional<std::string> patient_external_id;  // exact
  std::optional<std::string> from_name;            // contains, case-insensitive
  std::optional<std::string> search_term;          // contains, in subject, body or sender
  SentDateOperator sent_date_operator = SentDateOperator::none;
  std::optional<domain::EpochMicros> sent_date1;
  std::optional<domain::EpochMicros> sent_date2;
  bool full_body = false;  // false: bodies cut to search_body_preview_chars code points
  int page = 1;            // 1-based
  int items_per_page = 10;
};

inline constexpr std::size_t search_body_preview_chars = 200;

// The channel notify_relay NOTIFYs (payload: the message id) after intake queued deliveries.
inline constexpr const char* delivery_channel = "relay_deliveries";

struct SearchPage {
  std::int64_t total_items = 0;
  std::vector<domain::StoredMessage> rows;  // files listed by name, without content
};

struct AuditEvent {
  std::string actor;        // "vendor:<id>", "relay:<instance>", "operator:<name>", "system"
  std::string entity_type;  // "message", "delivery", "vendor"
  std::string entity_id;
  std::string event;               // "message.created", "message.draft_updated", ...
  std::string detail_json = "{}";  // IDs, counts and reasons only: never PHI
};

class MessageRepository {
 public:
  // Locks the vendor's message row with that ExternalId (FOR UPDATE) and returns what intake needs.
  static std::optional<ExistingMessage> lock_by_external_id(pqxx::work& tx, std::int64_t vendor_id,
                                                            const std::string& external_id);

  // Inserts message, patients, attachments and one delivery per patient ('queued' when the message
  // asks to be sent, else 'draft'). Returns the new id, creation date and whether anything was
  // queued. Throws pqxx::unique_violation when (vendor, external_id) exists already.
  static InsertedMessage insert(pqxx::work& tx, std::int64_t vendor_id,
                                const domain::ValidatedMessage& message);

  // Replaces a draft's content, patients, attachments and deliveries with the new version; true
  // when the new version queued deliveries.
  static bool replace_draft(pqxx::work& tx, const std::string& message_id,
                            const domain::ValidatedMessage& message);

  static std::optional<domain::StoredMessage> find_by_external_id(pqxx::transaction_base& tx,
                                                                  std::int64_t vendor_id,
                                                                  const std::string& external_id);

  static SearchPage search(pqxx::transaction_base& tx, std::int64_t vendor_id,
                           const SearchQuery& query);
};

// Wakes the relay engines (LISTEN relay_deliveries) after a commit that queued deliveries. Outside
// the transaction on purpose: a NOTIFY inside it holds PostgreSQL's global notify lock through the
// commit's WAL flush and serialises every intake commit; a lost wake-up only waits for the poll.
void notify_relay(pqxx::connection& connection, const std::string& message_id);

// Appends one row to the append-only audit_events table.
void append_audit_event(pqxx::work& tx, const AuditEvent& event);

}  // namespace relay::pg
