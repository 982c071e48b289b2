// The checks both portal codec fuzz targets make on one input: decoding never crashes, errors name
// a field, and a decoded model survives encode -> decode and re-encodes to the same bytes.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/portal/codec_limits.hpp"
#include "adapters/portal/message_model.hpp"
#include "gateway/domain/outcome.hpp"
#include "gateway/domain/request_error.hpp"

namespace relay::fuzz {

using portal::OutgoingSecureMessageModel;

// The encoders write an absent IsRepresentative as false (a non-nullable bool in .NET).
inline OutgoingSecureMessageModel canonical(OutgoingSecureMessageModel model) {
  if (model.patients) {
    for (auto& patient : *model.patients) {
      if (!patient.is_representative) patient.is_representative = false;
    }
  }
  return model;
}

// Reports a broken property on stderr, prefixed by the target's name, and aborts (libFuzzer keeps
// the input).
[[noreturn]] inline void fail(const char* target, const char* what) {
  std::fprintf(stderr, "%s: %s\n", target, what);
  std::abort();
}

// One codec, as the round trip uses it.
struct Codec {
  const char* target;  // the fuzz target's name, for fail()
  domain::Outcome<OutgoingSecureMessageModel> (*decode)(std::string_view,
                                                        const portal::DecodeLimits&);
  std::string (*encode)(const OutgoingSecureMessageModel&);
  std::string (*encode_error)(const domain::RequestError&);
  // What of a canonical model the encoder can carry (the identity when it carries everything).
  OutgoingSecureMessageModel (*carriable)(OutgoingSecureMessageModel);
};

// Decodes body; a rejection must name a field (unless the body is too large) and encode as an error
// body. A decoded model must decode again from its encoding as codec.carriable(canonical(model)),
// and that must re-encode to the same bytes. Returns the decoded model, nullopt for a rejection.
inline std::optional<OutgoingSecureMessageModel> check_round_trip(const Codec& codec,
                                                                  std::string_view body) {
  auto first = codec.decode(body, {});
  if (!first) {
    if (first.error().fields.empty() &&
        first.error().kind != domain::ErrorKind::payload_too_large) {
      fail(codec.target, "a bad_request error without a field");
    }
    (void)codec.encode_error(first.error());
    return std::nullopt;
  }
  const std::string encoded = codec.encode(first.value());
  auto second = codec.decode(encoded, {});
  if (!second) fail(codec.target, "the encoder's output does not decode");
  if (!(second.value() == codec.carriable(canonical(first.value())))) {
    fail(codec.target, "decode(encode(m)) differs from m");
  }
  if (codec.encode(second.value()) != encoded) fail(codec.target, "encoding is not stable");
  return std::move(first).value();
}

}  // namespace relay::fuzz
