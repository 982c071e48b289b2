// The control API's big view of the state; built under the caller's lock, serialized outside it
// would be nicer but the records are small enough for test runs.
#include "tests/simulator/sim_state.hpp"

#include <boost/json/array.hpp>

namespace relay::sim {
namespace json = boost::json;

void SimState::reset() {
  ++generation;
  send_window.reset();
  documents.clear();
  messages.clear();
  log.clear();
}

json::object SimState::received_json() const {
  json::array lookups;
  for (const auto& lookup : log.lookups()) {
    lookups.push_back(json::object{{"externalId", lookup.external_id}, {"status", lookup.status}});
  }
  json::array docs;
  for (const auto& d : documents.all()) {
    docs.push_back(json::object{{"id", d.id},
                                {"patientId", d.patient_id},
                                {"fileName", d.file_name},
                                {"contentType", d.content_type},
                                {"uploaded", d.uploaded},
                                {"size", d.size},
                                {"sha256", d.sha256}});
  }
  json::array sends;
  for (const auto& s : log.sends()) {
    json::object item{{"seq", s.seq},
                      {"patientId", s.patient_id},
                      {"rawBody", s.raw_body},
                      {"httpStatus", s.http_status},
                      {"outcome", s.outcome}};
    if (s.message_id) item["messageId"] = *s.message_id;
    item["receivedAt"] = s.received_at;
    sends.push_back(std::move(item));
  }
  json::array stored;
  for (const auto& m : messages.all()) stored.push_back(message_json(m));
  json::array hooks;
  for (const auto& w : log.webhooks()) {
    json::object item{{"eventId", w.event_id}, {"messageId", w.message_id},
                      {"rawBody", w.raw_body}, {"signature", w.signature},
                      {"fate", w.fate},        {"gatewayStatus", nullptr},
                      {"sentAt", w.sent_at}};
    if (w.gateway_status) item["gatewayStatus"] = *w.gateway_status;
    hooks.push_back(std::move(item));
  }
  return json::object{{"patient_lookups", std::move(lookups)},
                      {"documents", std::move(docs)},
                      {"sends", std::move(sends)},
                      {"messages", std::move(stored)},
                      {"webhooks", std::move(hooks)},
                      {"counters", log.counters_json()}};
}

}  // namespace relay::sim
