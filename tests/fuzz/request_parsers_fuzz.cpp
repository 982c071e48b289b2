// Fuzz target for the small parsers every request meets before the codecs: targets and queries,
// token forms, bearer tokens, media types, dates, base64 and Metriport's text rules.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/api/request_target.hpp"
#include "gateway/api/search_parameters.hpp"
#include "gateway/api/wire_format.hpp"
#include "gateway/auth/token_signer.hpp"
#include "gateway/domain/base64.hpp"
#include "gateway/domain/metriport_text.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/domain/timestamps.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "request_parsers_fuzz: %s\n", what);
  std::abort();
}

void fuzz_target_and_search(std::string_view input) {
  const auto target = relay::api::parse_request_target(input);
  if (!target) return;
  if (!relay::domain::is_valid_utf8(target->path)) fail("decoded path is not UTF-8");
  for (const auto& [name, value] : target->params) {
    if (!relay::domain::is_valid_utf8(name) || !relay::domain::is_valid_utf8(value)) {
      fail("decoded parameter is not UTF-8");
    }
  }
  const auto query = relay::api::parse_search_parameters(*target);
  if (query && (query->page < 1 || query->items_per_page < 1 ||
                query->items_per_page > relay::api::max_items_per_page)) {
    fail("search parameters out of range");
  }
}

void fuzz_timestamp(std::string_view input) {
  const auto instant = relay::domain::parse_portal_timestamp(input);
  if (!instant) return;
  const auto again =
      relay::domain::parse_portal_timestamp(relay::domain::format_portal_timestamp(*instant));
  if (!again || *again != *instant) fail("timestamp does not survive format and parse");
}

void fuzz_base64(std::string_view input) {
  const auto bytes = relay::domain::base64_decode(input);
  if (!bytes) return;
  const auto again = relay::domain::base64_decode(relay::domain::base64_encode(*bytes));
  if (!again || *again != *bytes) fail("base64 does not round trip");
}

void fuzz_token(std::string_view input) {
  static const relay::auth::TokenSigner signer(std::string(48, 's'), std::chrono::seconds(60));
  const auto now = std::chrono::system_clock::now();
  if (signer.verify(input, now)) fail("a fuzzed token verified");
  (void)relay::api::parse_form(input);
}

void fuzz_media_types(std::string_view input) {
  (void)relay::api::classify_content_type(input);
  const auto format = relay::api::format_from_accept(input, relay::api::WireFormat::json);
  if (format && !relay::api::accepts_format(input, *format)) fail("chosen format not accepted");
}

void fuzz_metriport_text(std::string_view input) {
  if (!relay::domain::is_valid_utf8(input)) return;
  const auto once = relay::domain::normalise_like_metriport(input);
  if (!relay::domain::is_valid_utf8(once)) fail("normalised text is not UTF-8");
  if (relay::domain::normalise_like_metriport(once) != once) fail("normalisation not idempotent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      fuzz_target_and_search(input);
      break;
    case 1:
      fuzz_timestamp(input);
      break;
    case 2:
      fuzz_base64(input);
      break;
    case 3:
      fuzz_token(input);
      break;
    case 4:
      fuzz_media_types(input);
      break;
    case 5:
      fuzz_metriport_text(input);
      break;
  }
  return 0;
}
