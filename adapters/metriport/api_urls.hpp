// The URLs of the Metriport calls, built from base_url (…/medical/v1): paths appended, query
// values percent-encoded (everything but unreserved characters, so '+', '&', '=' arrive intact).
#pragma once

#include <string>
#include <string_view>

#include "adapters/metriport/api_types.hpp"

namespace relay::metriport {

// GET /patient/external-id?externalId=
std::string patient_by_external_id_url(std::string_view base_url, std::string_view external_id);
// POST /document/upload?patientId=
std::string document_upload_url(std::string_view base_url, std::string_view patient_id);
// POST /message?patientId=
std::string send_message_url(std::string_view base_url, std::string_view patient_id);
// GET /message/{id}
std::string message_url(std::string_view base_url, std::string_view message_id);
// GET /message?patientId=&direction=&destination=[&status=]
std::string message_list_url(std::string_view base_url, const MessageListFilter& filter);

// RFC 3986 percent-encoding of everything but ALPHA / DIGIT / "-" / "." / "_" / "~".
std::string percent_encode(std::string_view text);

}  // namespace relay::metriport
