// Helpers shared by the portal codec unit tests (JSON and XML): reading the shared samples,
// decoding that must succeed or must fail with exactly one field error, and a substring check.
#pragma once

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/portal/codec_limits.hpp"
#include "adapters/portal/message_model.hpp"
#include "gateway/domain/outcome.hpp"
#include "gateway/domain/request_error.hpp"

namespace relay::portal::codec_test {

// A codec's decoder: decode_json or decode_xml.
using Decoder = domain::Outcome<OutgoingSecureMessageModel> (*)(std::string_view,
                                                                const DecodeLimits&);

// The bytes of a file in the shared samples folder; fails the test when it cannot be read.
inline std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(RELAY_SAMPLES_DIR) + "/" + name, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open sample " << name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// decode_ok(body[, limits]): the model a good body decodes to; fails the test with the first field
// error otherwise. A codec's tests declare `constexpr codec_test::DecodeOk<decode_json>
// decode_ok;`.
template <Decoder decode>
struct DecodeOk {
  OutgoingSecureMessageModel operator()(std::string_view body,
                                        const DecodeLimits& limits = {}) const {
    auto decoded = decode(body, limits);
    if (!decoded) {
      const auto& error = decoded.error();
      BOOST_FAIL("decode failed: " << error.message << " "
                                   << (error.fields.empty() ? ""
                                                            : error.fields[0].field + ": " +
                                                                  error.fields[0].message));
    }
    return std::move(decoded).value();
  }
};

// decode_error(body[, limits]): the single field error a bad body must produce.
template <Decoder decode>
struct DecodeError {
  domain::FieldError operator()(std::string_view body, const DecodeLimits& limits = {}) const {
    auto decoded = decode(body, limits);
    BOOST_REQUIRE(!decoded);
    BOOST_REQUIRE(decoded.error().kind == domain::ErrorKind::bad_request);
    BOOST_REQUIRE_EQUAL(decoded.error().fields.size(), 1u);
    return decoded.error().fields[0];
  }
};

inline bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

}  // namespace relay::portal::codec_test
