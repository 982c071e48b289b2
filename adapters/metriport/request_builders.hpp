// JSON bodies of the Metriport calls: the send body (empty optional keys omitted, as Metriport's
// strict schema demands) and the FHIR DocumentReference that opens a document upload.
#pragma once

#include <chrono>
#include <string>

#include "adapters/metriport/api_types.hpp"

namespace relay::metriport {

// {"destination","subject","body"?,"attachments"?,"intendedRecipientNpi"?}: a key is left out when
// its value is absent or empty (never "" or []). patient_id goes in the query, not the body.
std::string build_send_body(const SendRequest& request);

// {"resourceType":"DocumentReference","status":"current","description",
//  "type":{"text":"Secure message attachment"},"context":{"period":{"start":<now>}},
//  "content":[{"attachment":{"contentType","title","fileName","size"}}]}
std::string build_document_reference_body(const DocumentReferenceRequest& request,
                                          std::chrono::system_clock::time_point now);

// "2026-06-16T18:40:00.000Z"
std::string format_iso_utc(std::chrono::system_clock::time_point instant);

}  // namespace relay::metriport
