// Builds the message view with Boost.JSON. Audit details are shown as stored (IDs, counts, states
// and reasons only, by the writers' rule); PHI fields are emitted only when revealed is set.
#include "gateway/ops/message_view.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "adapters/postgres/message_rows.hpp"
#include "gateway/domain/base64.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/ops/identifier_mask.hpp"
#include "gateway/ops/ops_responses.hpp"

namespace relay::ops {
namespace {

namespace json = boost::json;

// A patient identifier: whole after a reveal, masked otherwise.
json::value patient_identifier(const pg::MessageInspection& message, const std::string& value) {
  if (message.revealed) return json::value(value);
  return json::value(mask_identifier(value));
}

json::value stored_detail(const std::string& detail_json) {
  boost::system::error_code ec;
  auto value = json::parse(detail_json, ec);
  if (ec) return json::object{};
  return value;
}

struct TimelineEntry {
  domain::EpochMicros at = 0;
  json::object item;
};

std::optional<std::string> class_implied_by(std::string_view event) {
  if (event == "delivery.failed") return std::string("failed_by_metriport");
  if (event == "delivery.lease_expired") return std::string("lease_expired");
  return std::nullopt;
}

json::object send_json(const pg::MessageInspection& message, const pg::InspectedSend& send) {
  json::object out{{"part", send.part},
                   {"parts", send.parts},
                   {"metriport_message_id", json_text_or_null(send.metriport_message_id)},
                   {"status", send.status},
                   {"first_attempt_at", json_instant(send.first_attempt_at)},
                   {"sent_at", json_instant(send.sent_at)},
                   {"completed_at", json_instant(send.completed_at)}};
  if (message.revealed) out["reason"] = json_text_or_null(send.reason);
  return out;
}

json::object delivery_json(const pg::MessageInspection& message,
                           const pg::InspectedDelivery& delivery) {
  json::array sends;
  for (const auto& send : message.sends) {
    if (send.delivery_id == delivery.id) sends.push_back(send_json(message, send));
  }
  json::value error_class = nullptr;
  if (delivery.has_error) {
    error_class = json_text_or_null(
        last_failure_class(message, delivery.id).value_or(std::string("unrecorded")));
  }
  json::object out{
      {"id", delivery.id},
      {"patient_position", delivery.patient_position},
      {"patient_external_id", patient_identifier(message, delivery.patient_external_id)},
      {"state", delivery.state},
      {"attempts", delivery.attempts},
      {"metriport_patient_id", json_text_or_null(delivery.metriport_patient_id)},
      {"last_error_class", std::move(error_class)},
      {"flagged_unconfirmed", delivery.flagged},
      {"next_attempt_at", json_instant(delivery.next_attempt_at)},
      {"accepted_at", json_instant(delivery.accepted_at)},
      {"completed_at", json_instant(delivery.completed_at)},
      {"created_at", domain::format_iso8601_utc(delivery.created_at)},
      {"updated_at", domain::format_iso8601_utc(delivery.updated_at)},
      {"sends", std::move(sends)}};
  if (message.revealed) out["last_error"] = json_text_or_null(delivery.last_error);
  return out;
}

json::object metadata_json(const pg::MessageInspection& message) {
  json::array npis;
  for (const auto& npi : message.intended_recipient_npi) npis.emplace_back(npi);
  json::array files;
  for (const auto& file : message.files) {
    json::object row{{"position", file.position},
                     {"file_name", file.file_name},
                     {"content_type", file.content_type},
                     {"size_bytes", file.size_bytes},
                     {"sha256", file.sha256}};
    if (message.revealed) {
      row["content_base64"] =
          file.content ? json::value(domain::base64_encode(*file.content)) : json::value(nullptr);
    }
    files.push_back(std::move(row));
  }
  json::object out{{"id", message.id},
                   {"vendor", message.vendor},
                   {"external_id", message.external_id},
                   {"sender_id", message.from_external_id},
                   {"status", message.portal_status},
                   {"requested_status", message.requested_status},
                   {"priority", domain::to_string(pg::priority_from_column(message.priority))},
                   {"destination", message.destination},
                   {"intended_recipient_npi", std::move(npis)},
                   {"created_at", domain::format_iso8601_utc(message.creation_date)},
                   {"sent_at", json_instant(message.sent_date)},
                   {"updated_at", domain::format_iso8601_utc(message.updated_at)},
                   {"patient_count", static_cast<std::int64_t>(message.patients.size())},
                   {"files", std::move(files)}};
  if (message.revealed) {
    out["subject"] = json_text_or_null(message.revealed->subject);
    out["body"] = json_text_or_null(message.revealed->body);
    out["from_name"] = json_text_or_null(message.revealed->from_name);
  }
  return out;
}

}  // namespace

std::optional<std::string> last_failure_class(const pg::MessageInspection& message,
                                              std::int64_t delivery_id) {
  const std::string entity_id = std::to_string(delivery_id);
  for (auto event = message.audit_events.rbegin(); event != message.audit_events.rend(); ++event) {
    if (event->entity_type != "delivery" || event->entity_id != entity_id) continue;
    const auto detail = stored_detail(event->detail_json);
    if (const auto* object = detail.if_object()) {
      if (const auto* found = object->if_contains("class"); found && found->is_string()) {
        return std::string(found->as_string());
      }
    }
    if (auto implied = class_implied_by(event->event)) return implied;
  }
  return std::nullopt;
}

json::array message_timeline(const pg::MessageInspection& message) {
  std::vector<TimelineEntry> entries;
  for (const auto& event : message.audit_events) {
    entries.push_back({event.at, json::object{{"at", domain::format_iso8601_utc(event.at)},
                                              {"kind", "audit"},
                                              {"event", event.event},
                                              {"actor", event.actor},
                                              {"entity_type", event.entity_type},
                                              {"entity_id", event.entity_id},
                                              {"detail", stored_detail(event.detail_json)}}});
  }
  for (const auto& send : message.sends) {
    if (send.sent_at) {
      entries.push_back(
          {*send.sent_at,
           json::object{{"at", domain::format_iso8601_utc(*send.sent_at)},
                        {"kind", "metriport_send_accepted"},
                        {"delivery_id", send.delivery_id},
                        {"part", send.part},
                        {"parts", send.parts},
                        {"metriport_message_id", json_text_or_null(send.metriport_message_id)}}});
    }
    if (send.completed_at) {
      entries.push_back(
          {*send.completed_at,
           json::object{{"at", domain::format_iso8601_utc(*send.completed_at)},
                        {"kind", "metriport_status"},
                        {"delivery_id", send.delivery_id},
                        {"part", send.part},
                        {"parts", send.parts},
                        {"metriport_message_id", json_text_or_null(send.metriport_message_id)},
                        {"status", send.status}}});
    }
  }
  for (const auto& webhook : message.webhooks) {
    entries.push_back(
        {webhook.received_at,
         json::object{{"at", domain::format_iso8601_utc(webhook.received_at)},
                      {"kind", "webhook"},
                      {"event_id", webhook.event_id},
                      {"type", webhook.event_type},
                      {"metriport_message_id", json_text_or_null(webhook.metriport_message_id)},
                      {"outcome", json_text_or_null(webhook.outcome)},
                      {"received_at", domain::format_iso8601_utc(webhook.received_at)},
                      {"applied_at", json_instant(webhook.applied_at)},
                      {"times_delivered", webhook.deliveries}}});
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) { return a.at < b.at; });
  json::array timeline;
  for (auto& entry : entries) timeline.push_back(std::move(entry.item));
  return timeline;
}

json::object message_view(const pg::MessageInspection& message) {
  json::array patients;
  for (const auto& patient : message.patients) {
    json::value representative = nullptr;
    if (patient.representative_external_id && !patient.representative_external_id->empty()) {
      representative = patient_identifier(message, *patient.representative_external_id);
    }
    patients.push_back(
        json::object{{"position", patient.position},
                     {"external_id", patient_identifier(message, patient.external_id)},
                     {"is_representative", patient.is_representative},
                     {"representative_external_id", std::move(representative)}});
  }
  json::array deliveries;
  for (const auto& delivery : message.deliveries) {
    deliveries.push_back(delivery_json(message, delivery));
  }
  return json::object{{"message", metadata_json(message)},
                      {"patients", std::move(patients)},
                      {"deliveries", std::move(deliveries)},
                      {"timeline", message_timeline(message)},
                      {"timeline_truncated", message.audit_events_truncated},
                      {"revealed", message.revealed.has_value()}};
}

}  // namespace relay::ops
