// The values the Metriport calls take and answer: patient, document upload, send request and the
// status of one message read from either answer shape (Message or FHIR Communication).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace relay::metriport {

struct Patient {
  std::string id;           // Metriport patient UUID (never empty when parsed)
  std::string external_id;  // empty when the answer has none
};

struct DocumentReferenceRequest {
  std::string file_name;
  std::string content_type;
  std::uint64_t size = 0;
  std::string description;
};

struct DocumentUpload {
  std::string document_reference_id;
  std::string upload_url;  // absolute http(s) URL; PUT the bytes there without the API key
};

struct SendRequest {
  std::string patient_id;
  std::string destination;
  std::string subject;
  std::optional<std::string> body;
  std::vector<std::string> attachments;  // document reference IDs
  std::vector<std::string> intended_recipient_npi;
};

// Status of a Metriport message from either answer shape.
struct MessageRecord {
  std::string id;  // never empty when parsed
  std::string patient_id;
  std::string status;  // processing | completed | failed
  std::string destination;
  std::string subject;
  std::optional<std::string> body;
  std::vector<std::string> attachments;
  std::optional<std::string> sent_at;
  std::optional<std::string> updated_at;  // Message shape: when the status last changed
  std::optional<std::string> reason;
  bool operator==(const MessageRecord&) const = default;
};

struct MessageListFilter {
  std::string patient_id;
  std::string destination;
  std::string direction = "outbound";
  std::optional<std::string> status;
};

// One page of GET /message: its messages and meta.nextPage when there is one.
struct MessagePage {
  std::vector<MessageRecord> messages;
  std::optional<std::string> next_page;
};

}  // namespace relay::metriport
