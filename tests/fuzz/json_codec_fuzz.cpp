// libFuzzer target for the portal JSON codec: decoding never crashes on any bytes, and a decoded
// model survives encode -> decode unchanged (apart from the one documented normalisation).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/portal/json_codec.hpp"

namespace {

using relay::portal::OutgoingSecureMessageModel;

// The encoders write an absent IsRepresentative as false (a non-nullable bool in .NET).
OutgoingSecureMessageModel canonical(OutgoingSecureMessageModel model) {
  if (model.patients) {
    for (auto& patient : *model.patients) {
      if (!patient.is_representative) patient.is_representative = false;
    }
  }
  return model;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "json_codec_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto first = relay::portal::decode_json(body);
  if (!first) {
    if (first.error().fields.empty() &&
        first.error().kind != relay::domain::ErrorKind::payload_too_large) {
      fail("a bad_request error without a field");
    }
    (void)relay::portal::encode_error_json(first.error());
    return 0;
  }
  const std::string encoded = relay::portal::encode_json(first.value());
  auto second = relay::portal::decode_json(encoded);
  if (!second) fail("the encoder's output does not decode");
  if (!(second.value() == canonical(first.value()))) fail("decode(encode(m)) differs from m");
  if (relay::portal::encode_json(second.value()) != encoded) fail("encoding is not stable");
  return 0;
}
