// libFuzzer target for the portal XML codec: decoding never crashes on any bytes, a decoded model
// survives XML encode -> decode unchanged, and the same model also survives the JSON codec.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/xml_codec.hpp"

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
  std::fprintf(stderr, "xml_codec_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto first = relay::portal::decode_xml(body);
  if (!first) {
    if (first.error().fields.empty() &&
        first.error().kind != relay::domain::ErrorKind::payload_too_large) {
      fail("a bad_request error without a field");
    }
    (void)relay::portal::encode_error_xml(first.error());
    return 0;
  }
  const OutgoingSecureMessageModel expected = canonical(first.value());
  const std::string encoded = relay::portal::encode_xml(first.value());
  auto second = relay::portal::decode_xml(encoded);
  if (!second) fail("the encoder's output does not decode");
  if (!(second.value() == expected)) fail("decode(encode(m)) differs from m");
  if (relay::portal::encode_xml(second.value()) != encoded) fail("encoding is not stable");

  auto via_json = relay::portal::decode_json(relay::portal::encode_json(first.value()));
  if (!via_json) fail("the JSON encoding of an XML-decoded model does not decode");
  if (!(via_json.value() == expected)) fail("the JSON round trip differs from the XML one");
  return 0;
}
