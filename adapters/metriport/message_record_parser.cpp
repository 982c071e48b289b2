// Both message answer shapes to MessageRecord. Communication: topic.text is the subject, the first
// recipient's display (or reference) the destination, payload strings and document references.
#include "adapters/metriport/message_record_parser.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <string>

namespace relay::metriport {
namespace {
namespace json = boost::json;

std::optional<std::string> string_at(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  if (found == nullptr || !found->is_string()) return std::nullopt;
  return std::string(found->get_string());
}

std::string string_or_empty(const json::object& object, std::string_view key) {
  return string_at(object, key).value_or(std::string{});
}

const json::object* object_at(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  return found != nullptr ? found->if_object() : nullptr;
}

const json::array* array_at(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  return found != nullptr ? found->if_array() : nullptr;
}

std::string normalize_status(std::string_view status) {
  if (status == "completed") return "completed";
  constexpr std::array<std::string_view, 4> failed{"failed", "not-done", "stopped",
                                                   "entered-in-error"};
  for (auto name : failed) {
    if (status == name) return "failed";
  }
  return "processing";
}

// "DocumentReference/<id>" (possibly after a base URL) -> "<id>"; nullopt for other references.
std::optional<std::string> document_id(std::string_view reference) {
  constexpr std::string_view marker = "DocumentReference/";
  const std::size_t at = reference.rfind(marker);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view id = reference.substr(at + marker.size());
  if (id.empty() || id.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(id);
}

// "Patient/<id>" -> "<id>"; empty otherwise.
std::string patient_id(const json::object& communication) {
  const auto* subject = object_at(communication, "subject");
  if (subject == nullptr) return {};
  const std::string reference = string_or_empty(*subject, "reference");
  constexpr std::string_view prefix = "Patient/";
  if (!std::string_view(reference).starts_with(prefix)) return {};
  return reference.substr(prefix.size());
}

void read_payload(const json::object& communication, MessageRecord& record) {
  const auto* payload = array_at(communication, "payload");
  if (payload == nullptr) return;
  for (const auto& item : *payload) {
    const auto* part = item.if_object();
    if (part == nullptr) continue;
    if (auto text = string_at(*part, "contentString"); text && !record.body) record.body = *text;
    std::optional<std::string> reference;
    if (const auto* attachment = object_at(*part, "contentAttachment")) {
      reference = string_at(*attachment, "url");
    } else if (const auto* content = object_at(*part, "contentReference")) {
      reference = string_at(*content, "reference");
    }
    if (reference) {
      if (auto id = document_id(*reference)) record.attachments.push_back(std::move(*id));
    }
  }
}

std::string first_recipient(const json::object& communication) {
  const auto* recipients = array_at(communication, "recipient");
  if (recipients == nullptr || recipients->empty()) return {};
  const auto* first = recipients->front().if_object();
  if (first == nullptr) return {};
  if (auto display = string_at(*first, "display"); display && !display->empty()) return *display;
  return string_or_empty(*first, "reference");
}

MessageRecord from_communication(const json::object& communication, std::string id) {
  MessageRecord record;
  record.id = std::move(id);
  record.patient_id = patient_id(communication);
  record.status = normalize_status(string_or_empty(communication, "status"));
  record.destination = first_recipient(communication);
  if (const auto* topic = object_at(communication, "topic")) {
    record.subject = string_or_empty(*topic, "text");
  }
  read_payload(communication, record);
  record.sent_at = string_at(communication, "sent");
  if (const auto* status_reason = object_at(communication, "statusReason")) {
    record.reason = string_at(*status_reason, "text");
  }
  return record;
}

MessageRecord from_message(const json::object& message, std::string id) {
  MessageRecord record;
  record.id = std::move(id);
  record.patient_id = string_or_empty(message, "patientId");
  record.status = normalize_status(string_or_empty(message, "status"));
  record.destination = string_or_empty(message, "destination");
  record.subject = string_or_empty(message, "subject");
  record.body = string_at(message, "body");
  if (const auto* attachments = array_at(message, "attachments")) {
    for (const auto& item : *attachments) {
      if (item.is_string() && !item.get_string().empty()) {
        record.attachments.emplace_back(item.get_string());
      }
    }
  }
  record.sent_at = string_at(message, "sentAt");
  record.updated_at = string_at(message, "updatedAt");
  record.reason = string_at(message, "reason");
  return record;
}

bool is_communication(const json::object& object) {
  if (auto type = string_at(object, "resourceType")) return *type == "Communication";
  return object.contains("topic") || object.contains("payload") || object.contains("recipient");
}
}  // namespace

std::optional<MessageRecord> message_from_json(const json::value& value) {
  const auto* object = value.if_object();
  if (object == nullptr) return std::nullopt;
  auto id = string_at(*object, "id");
  if (!id || id->empty()) return std::nullopt;
  if (is_communication(*object)) return from_communication(*object, std::move(*id));
  return from_message(*object, std::move(*id));
}

Parsed<MessageRecord> parse_message_answer(std::string_view body) {
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (ec) return Parsed<MessageRecord>::failure("message answer is not JSON");
  const auto* object = value.if_object();
  if (object == nullptr) return Parsed<MessageRecord>::failure("message answer is not an object");
  const json::value* message = &value;
  if (const auto* wrapped = object->if_contains("communication")) message = wrapped;
  auto record = message_from_json(*message);
  if (!record) return Parsed<MessageRecord>::failure("message answer has no id");
  return Parsed<MessageRecord>::success(std::move(*record));
}

}  // namespace relay::metriport
