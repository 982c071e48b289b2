// libFuzzer target for the portal form codec: decoding never crashes on any bytes, errors stay
// short, and a decoded model survives being written as jQuery and as MVC would write it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/portal/form_codec.hpp"
#include "adapters/portal/json_codec.hpp"
#include "form_encoding.hpp"
#include "round_trip_check.hpp"

namespace {

using relay::portal::OutgoingSecureMessageModel;

// The decoder never makes an empty list, so everything it gives is carriable by a form.
OutgoingSecureMessageModel all_of(OutgoingSecureMessageModel model) {
  return model;
}

std::string encode_jquery(const OutgoingSecureMessageModel& model) {
  return relay::fuzz::encode_form(model, relay::fuzz::FormStyle::jquery);
}

constexpr relay::fuzz::Codec kForm{"form_codec_fuzz", relay::portal::decode_form, encode_jquery,
                                   relay::portal::encode_error_json, all_of};

// Messages name keys at most 64 bytes long and limits: never the body's text at length.
constexpr std::size_t kMaxErrorBytes = 600;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto decoded = relay::fuzz::check_round_trip(kForm, body);
  if (!decoded) {
    const auto error = relay::portal::decode_form(body);
    for (const auto& field : error.error().fields) {
      if (field.field.size() + field.message.size() > kMaxErrorBytes) {
        relay::fuzz::fail(kForm.target, "an error message longer than any key it may name");
      }
    }
    return 0;
  }
  // ASP.NET MVC's dotted names bind to the same model as jQuery's brackets.
  const auto dotted =
      relay::portal::decode_form(relay::fuzz::encode_form(*decoded, relay::fuzz::FormStyle::mvc));
  if (!dotted || !(dotted.value() == relay::fuzz::canonical(*decoded))) {
    relay::fuzz::fail(kForm.target, "the MVC form of a model decodes differently");
  }
  return 0;
}
