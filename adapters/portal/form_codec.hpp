// application/x-www-form-urlencoded form of the portal's OutgoingSecureMessageModel, request only
// (answers stay JSON or XML). Keys bind as ASP.NET Web API binds them, names case-insensitive.
#pragma once

#include <cstddef>
#include <string_view>

#include "adapters/portal/codec_limits.hpp"
#include "adapters/portal/message_model.hpp"
#include "gateway/domain/outcome.hpp"

namespace relay::portal {

// Longest key accepted, as sent (percent-encoded): far above
// Patients[9999][RepresentativeExternalId] even with every bracket escaped.
inline constexpr std::size_t form_max_key_bytes = 256;

// Pairs a form may hold: every item of both lists with all of its members, and the root members.
std::size_t form_max_pairs(const DecodeLimits& limits);

// Decodes one model. Keys: the root properties by name (Subject=..), list items as jQuery's $.param
// writes them (Patients[0][ExternalId]=..) or as ASP.NET MVC names them
// (Patients[0].ExternalId=..), likewise FileData[i][FileName|FileData]; IsRepresentative true or
// false (any case; empty: none).
// '+' is a space; values are kept as sent. Unknown property names are ignored, as in JSON.
// Errors: payload_too_large over limits.max_bytes; otherwise bad_request naming the key, never a
// value, with the portal's modelState key ("model.Patients[0].ExternalId" when the key resolves to
// a property, "model" otherwise) for: bad percent-encoding, invalid UTF-8 or NUL, more than
// form_max_pairs pairs or a key over form_max_key_bytes, a key given twice, a value and a list
// under one name, an index that is not a plain whole number, is not below limits.max_array_items,
// or skips one (items are numbered 0, 1, 2.. and first appear in that order), and nesting the
// model does not have.
domain::Outcome<OutgoingSecureMessageModel> decode_form(std::string_view body,
                                                        const DecodeLimits& limits = {});

}  // namespace relay::portal
