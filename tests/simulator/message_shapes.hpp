// A stored Metriport message and the JSON Metriport writes for it: the SDK's Message, the older
// {"communication":{FHIR Communication}} answer, and the signed message.status webhook body.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::sim {

struct MessageRecord {
  std::uint64_t seq = 0;  // arrival order, 1-based
  std::string id;
  std::string patient_id;
  std::string status = "processing";  // processing | completed | failed
  std::string transport_method;       // direct (email-like destination) | xdr
  std::string destination;
  std::string subject;
  std::optional<std::string> body;
  std::vector<std::string> attachments;
  std::vector<std::string> intended_recipient_npi;
  std::string sent_at;
  std::string updated_at;
  std::optional<std::string> completed_at;
  std::optional<std::string> reason;  // failed only
};

// "direct" when the destination looks like a Direct (email) address, else "xdr".
std::string transport_method_for(std::string_view destination);

// Metriport's Message (messageSchema): an xdr message carries network "EHEX", which messageSchema
// requires for xdr.
boost::json::object message_json(const MessageRecord& message);

// {"communication":{"resourceType":"Communication",...}}; status in-progress while processing,
// completed when completed, entered-in-error when failed.
boost::json::object communication_json(const MessageRecord& message);

// The compact message.status webhook body for the message's current (final) status.
std::string webhook_body(const MessageRecord& message, std::string_view event_id,
                         std::string_view when);

// Lower-case hex HMAC-SHA256 of the raw body keyed with the webhook key (x-metriport-signature).
std::string webhook_signature(std::string_view key, std::string_view raw_body);

}  // namespace relay::sim
