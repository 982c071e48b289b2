// The validated, translated outgoing message the gateway stores and relays, and its stored form.
// Made from the wire model by gateway/intake; persisted by adapters/postgres/message_repository.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relay::domain {

enum class Priority { low, normal, high };
enum class RequestedStatus { draft, sent };  // what the vendor asked for
enum class PortalStatus { draft, sent };     // what the portal shows: Sent only once delivered

struct Recipient {
  std::string external_id;
  bool is_representative = false;
  std::optional<std::string> representative_external_id;
};

struct Attachment {
  std::string file_name;
  std::string content_type;  // derived from the file name
  std::string bytes;         // decoded content
  std::string sha256_hex;
};

// Where a sender's messages go in Metriport: from the routing table or the default route.
struct Route {
  std::string destination;
  std::vector<std::string> intended_recipient_npi;
};

struct ValidatedMessage {
  std::string external_id;
  std::string from_external_id;
  std::optional<std::string> from_name;
  std::vector<Recipient> patients;
  std::optional<std::string> subject;     // as sent, shown back to the vendor
  std::optional<std::string> body;        // as sent, shown back to the vendor
  std::string relay_subject;              // normalised as Metriport does, priority prefix applied
  std::optional<std::string> relay_body;  // normalised; nullopt when empty after normalisation
  RequestedStatus status = RequestedStatus::draft;
  Priority priority = Priority::normal;
  std::vector<Attachment> attachments;
  Route route;
  std::string content_hash;  // hex SHA-256 of everything above: the idempotency key of a re-post
};

// Microseconds since the Unix epoch, UTC.
using EpochMicros = std::int64_t;

struct StoredMessage {
  std::string id;  // GUID, lower-case hyphenated
  std::int64_t vendor_id = 0;
  std::string external_id;
  std::string from_external_id;
  std::optional<std::string> from_name;
  std::vector<Recipient> patients;
  std::optional<std::string> subject;
  std::optional<std::string> body;
  PortalStatus status = PortalStatus::draft;
  RequestedStatus requested_status = RequestedStatus::draft;
  Priority priority = Priority::normal;
  struct File {
    std::string file_name;
    std::optional<std::string> bytes;  // nullopt when listed without content (search rows)
  };
  std::vector<File> files;
  EpochMicros creation_date = 0;
  std::optional<EpochMicros> sent_date;
  std::string content_hash;
};

const char* to_string(Priority priority);                            // "Low" | "Normal" | "High"
const char* to_string(RequestedStatus status);                       // "Draft" | "Sent"
const char* to_string(PortalStatus status);                          // "Draft" | "Sent"
std::optional<Priority> parse_priority(std::string_view text);       // case-insensitive
std::optional<RequestedStatus> parse_status(std::string_view text);  // case-insensitive

}  // namespace relay::domain
