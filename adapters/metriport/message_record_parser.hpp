// Reads the status of one Metriport message from either answer shape: the SDK's Message
// ({"id","status",...}) or FHIR Communication, bare or wrapped as {"communication":{...}}.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

#include "adapters/metriport/api_types.hpp"
#include "adapters/metriport/parsed.hpp"

namespace relay::metriport {

// The answer of POST /message and GET /message/{id}. Only a non-empty string "id" is required.
Parsed<MessageRecord> parse_message_answer(std::string_view body);

// One message object in either shape (not wrapped); nullopt without a non-empty string id.
// Status: completed -> completed; failed, not-done, stopped, entered-in-error -> failed;
// anything else (in-progress, preparation, processing, missing, unknown) -> processing.
std::optional<MessageRecord> message_from_json(const boost::json::value& value);

}  // namespace relay::metriport
