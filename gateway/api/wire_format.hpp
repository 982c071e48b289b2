// Content negotiation as ASP.NET Web API does it: the request's format from Content-Type, the
// answer's from Accept (q-values honoured), defaulting to the request's format.
#pragma once

#include <optional>
#include <string_view>

namespace relay::api {

enum class WireFormat { json, xml };

enum class ContentTypeCheck { json, xml, form, missing, unsupported };

// application/json, text/json (+json suffixes), application/xml, text/xml or (request bodies only)
// application/x-www-form-urlencoded; a charset other than UTF-8 is unsupported.
ContentTypeCheck classify_content_type(std::string_view content_type);

// True for the request formats POST /api/OutgoingSecureMessages reads (JSON, XML, a form).
bool is_message_body_type(ContentTypeCheck check);

// The answer format for an Accept header; nullopt when it accepts neither JSON nor XML (406).
std::optional<WireFormat> format_from_accept(std::string_view accept, WireFormat fallback);

// True when the Accept header (empty: anything) admits the format at a quality above zero.
bool accepts_format(std::string_view accept, WireFormat format);

const char* media_type(
    WireFormat format);  // "application/json; charset=utf-8" | "application/xml; charset=utf-8"

}  // namespace relay::api
