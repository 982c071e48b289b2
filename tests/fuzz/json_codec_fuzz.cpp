// libFuzzer target for the portal JSON codec: decoding never crashes on any bytes, and a decoded
// model survives encode -> decode unchanged (apart from the one documented normalisation).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/portal/json_codec.hpp"
#include "round_trip_check.hpp"

namespace {

using relay::portal::OutgoingSecureMessageModel;

// JSON carries every character: the round trip gives back the canonical model whole.
OutgoingSecureMessageModel all_of(OutgoingSecureMessageModel model) {
  return model;
}

constexpr relay::fuzz::Codec kJson{"json_codec_fuzz", relay::portal::decode_json,
                                   relay::portal::encode_json, relay::portal::encode_error_json,
                                   all_of};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)relay::fuzz::check_round_trip(kJson, body);
  return 0;
}
