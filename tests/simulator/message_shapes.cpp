// Builds the answer and webhook JSON with boost::json objects, whose keys keep insertion order, so
// the bytes look like what Metriport's JSON.stringify writes.
#include "tests/simulator/message_shapes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/domain/digest.hpp"

namespace relay::sim {
namespace json = boost::json;

std::string transport_method_for(std::string_view destination) {
  return destination.find('@') != std::string_view::npos ? "direct" : "xdr";
}

json::object message_json(const MessageRecord& m) {
  json::object out;
  out["id"] = m.id;
  out["patientId"] = m.patient_id;
  out["direction"] = "outbound";
  out["status"] = m.status;
  out["transportMethod"] = m.transport_method;
  if (m.transport_method == "xdr") out["network"] = "EHEX";
  out["destination"] = m.destination;
  out["subject"] = m.subject;
  if (m.body) out["body"] = *m.body;
  if (!m.attachments.empty()) {
    json::array ids;
    for (const auto& id : m.attachments) ids.emplace_back(id);
    out["attachments"] = std::move(ids);
  }
  if (!m.intended_recipient_npi.empty()) {
    json::array npis;
    for (const auto& npi : m.intended_recipient_npi) npis.emplace_back(npi);
    out["intendedRecipientNpi"] = std::move(npis);
  }
  out["sentAt"] = m.sent_at;
  out["updatedAt"] = m.updated_at;
  if (m.reason) out["reason"] = *m.reason;
  return out;
}

json::object communication_json(const MessageRecord& m) {
  json::object resource;
  resource["resourceType"] = "Communication";
  resource["id"] = m.id;
  resource["status"] = m.status == "completed" ? "completed"
                       : m.status == "failed"  ? "entered-in-error"
                                               : "in-progress";
  resource["subject"] = json::object{{"reference", "Patient/" + m.patient_id}};
  resource["topic"] = json::object{{"text", m.subject}};
  resource["recipient"] = json::array{json::object{{"reference", m.destination}}};
  resource["sent"] = m.sent_at;
  json::array payload;
  if (m.body) payload.push_back(json::object{{"contentString", *m.body}});
  for (const auto& id : m.attachments) {
    payload.push_back(
        json::object{{"contentAttachment", json::object{{"url", "DocumentReference/" + id}}}});
  }
  resource["payload"] = std::move(payload);
  if (m.reason) {
    resource["statusReason"] = json::object{{"text", *m.reason}};
  }
  return json::object{{"communication", std::move(resource)}};
}

std::string webhook_body(const MessageRecord& m, std::string_view event_id, std::string_view when) {
  json::object meta;
  meta["messageId"] = event_id;
  meta["when"] = when;
  meta["type"] = "message.status";
  json::object payload;
  payload["id"] = m.id;
  payload["patientId"] = m.patient_id;
  payload["status"] = m.status;
  payload["sentAt"] = m.sent_at;
  payload["completedAt"] = m.completed_at ? *m.completed_at : m.updated_at;
  if (m.reason) payload["reason"] = *m.reason;
  json::object root;
  root["meta"] = std::move(meta);
  root["payload"] = std::move(payload);
  return json::serialize(root);
}

std::string webhook_signature(std::string_view key, std::string_view raw_body) {
  return domain::to_hex(domain::hmac_sha256_raw(key, raw_body));
}

}  // namespace relay::sim
