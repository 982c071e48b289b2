// JSON form of the portal's OutgoingSecureMessageModel, its paged list and its error body.
// Lenient like ASP.NET's Json.NET binding (any key case, IDs as numbers), strict on types.
#pragma once

#include <string>
#include <string_view>

#include "adapters/portal/codec_limits.hpp"
#include "adapters/portal/message_model.hpp"
#include "adapters/portal/paged_list.hpp"
#include "gateway/domain/outcome.hpp"
#include "gateway/domain/request_error.hpp"

namespace relay::portal {

// Decodes one model. Errors: payload_too_large over limits.max_bytes; otherwise bad_request with
// modelState keys in the portal's form ("model", "model.Patients[0].ExternalId"). Messages name the
// rule and the JSON type, never the client's values.
domain::Outcome<OutgoingSecureMessageModel> decode_json(std::string_view body,
                                                        const DecodeLimits& limits = {});

// camelCase, in the portal help page's order; nullopt is written as null.
std::string encode_json(const OutgoingSecureMessageModel& model);
std::string encode_json(const PagedList& page);

// {"message":"...","modelState":{"model.Subject":["...", ...]}}; modelState omitted when empty.
std::string encode_error_json(const domain::RequestError& error);

}  // namespace relay::portal
