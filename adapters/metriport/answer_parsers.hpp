// Parsers of the other Metriport answers: Patient, document upload, and one page of the message
// list. Pure and exception-free on any bytes; required IDs are non-empty when a value is given.
#pragma once

#include <string_view>

#include "adapters/metriport/api_types.hpp"
#include "adapters/metriport/parsed.hpp"

namespace relay::metriport {

// {"id", "externalId"?, ...}: id required.
Parsed<Patient> parse_patient(std::string_view body);

// {"documentReferenceId", "uploadUrl"}: both required, uploadUrl an absolute http(s) URL.
Parsed<DocumentUpload> parse_document_upload(std::string_view body);

// {"meta":{"nextPage"?,...},"messages":[...]}: messages required (an array); elements of either
// shape; elements without an id are skipped (they cannot be matched to anything).
Parsed<MessagePage> parse_message_list(std::string_view body);

}  // namespace relay::metriport
