// XML (DataContractSerializer) form of the portal's message model and of its error body.
// Reads any namespace, prefix, case and member order; writes exactly what .NET writes.
#pragma once

#include <string>
#include <string_view>

#include "adapters/portal/codec_limits.hpp"
#include "adapters/portal/message_model.hpp"
#include "gateway/domain/outcome.hpp"
#include "gateway/domain/request_error.hpp"

namespace relay::portal {

// Decodes one model from UTF-8 XML. DOCTYPE and ENTITY declarations are rejected, never expanded.
// Errors: payload_too_large over limits.max_bytes; otherwise bad_request with portal-style keys
// (field "model" for a body with more than limits.max_array_items * 8 + 256 '<', counted before
// parsing).
domain::Outcome<OutgoingSecureMessageModel> decode_xml(std::string_view body,
                                                       const DecodeLimits& limits = {});

// DataContractSerializer's output: no declaration, one element per line, members in contract order.
// Characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE, U+FFFF) are left out.
std::string encode_xml(const OutgoingSecureMessageModel& model);

// Our XML form of the portal's error body (ASP.NET has no fixed XML shape for modelState):
// <Error><Message>..</Message><ModelState><Entry><Key>model.X</Key><Value>..</Value></Entry>..
// </ModelState></Error>, one Entry per message, ModelState omitted when there are no field errors.
std::string encode_error_xml(const domain::RequestError& error);

}  // namespace relay::portal
