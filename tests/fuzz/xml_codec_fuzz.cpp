// libFuzzer target for the portal XML codec: decoding never crashes on any bytes, a decoded model
// survives XML encode -> decode (less what XML 1.0 cannot carry) and the JSON codec unchanged.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/xml_codec.hpp"
#include "round_trip_check.hpp"

namespace {

using relay::portal::OutgoingSecureMessageModel;

// What the XML encoder leaves out: C0 controls but tab/LF/CR, U+FFFE and U+FFFF.
std::string xml_carriable(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(text[i + 2]) == 0xBE ||
         static_cast<unsigned char>(text[i + 2]) == 0xBF)) {
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

void strip(std::optional<std::string>& text) {
  if (text) text = xml_carriable(*text);
}

// The model as the XML encoder can carry it.
OutgoingSecureMessageModel xml_carriable(OutgoingSecureMessageModel model) {
  for (auto* field : {&model.external_id, &model.id, &model.body, &model.creation_date,
                      &model.from_secure_recipient_external_id, &model.from_secure_recipient_name,
                      &model.priority, &model.sent_date, &model.status, &model.subject}) {
    strip(*field);
  }
  if (model.patients) {
    for (auto& patient : *model.patients) {
      strip(patient.external_id);
      strip(patient.representative_external_id);
    }
  }
  if (model.file_data) {
    for (auto& file : *model.file_data) {
      strip(file.file_data);
      strip(file.file_name);
    }
  }
  return model;
}

constexpr relay::fuzz::Codec kXml{"xml_codec_fuzz", relay::portal::decode_xml,
                                  relay::portal::encode_xml, relay::portal::encode_error_xml,
                                  xml_carriable};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto first = relay::fuzz::check_round_trip(kXml, body);
  if (!first) return 0;
  const OutgoingSecureMessageModel expected = relay::fuzz::canonical(*first);

  // JSON carries every character, so its round trip gives back the decoded model whole.
  auto via_json = relay::portal::decode_json(relay::portal::encode_json(*first));
  if (!via_json) {
    relay::fuzz::fail(kXml.target, "the JSON encoding of an XML-decoded model does not decode");
  }
  if (!(via_json.value() == expected)) {
    relay::fuzz::fail(kXml.target, "the JSON round trip differs from the XML decoding");
  }
  return 0;
}
