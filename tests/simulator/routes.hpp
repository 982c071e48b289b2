// The Medical API routes the simulator serves, as plain functions over the context: each is called
// with context.state.mutex held and does no I/O, so unit tests call them without a socket.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "tests/simulator/http_server.hpp"
#include "tests/simulator/request_target.hpp"
#include "tests/simulator/sim_context.hpp"

namespace relay::sim {

// GET /patient/external-id?externalId=X
Response lookup_patient(SimContext& context, const RequestTarget& target);

// POST /document/upload?patientId= with a FHIR DocumentReference.
Response create_document(SimContext& context, const RequestTarget& target, const Request& request);

// PUT /_upload/<token>: the presigned-style upload (no API key; S3-like XML errors).
Response receive_upload(SimContext& context, std::string_view token, const Request& request);

// What a send decided. reply.response unset = drop the connection (ambiguous); scheduled_message
// set = a message was stored and its status event must be scheduled after webhook_delay.
struct SendDecision {
  Reply reply;
  std::optional<std::string> scheduled_message;
  std::chrono::milliseconds webhook_delay{0};
};

// POST /message?patientId=: send window, injected 429/500, schema, attachments, store, ambiguous.
SendDecision handle_send(SimContext& context, const RequestTarget& target, const Request& request);

// GET /message/{id} in settings.answer_shape.
Response get_message(SimContext& context, std::string_view id);

// GET /message?patientId&direction&destination&status&fromItem|toItem&count (Message shape).
Response list_messages(SimContext& context, const RequestTarget& target);

// A patient's ID as the simulator answers it: derived from the external ID, stable across runs.
std::string patient_id_for(std::string_view external_id);

}  // namespace relay::sim
