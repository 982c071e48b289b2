// Fuzz target for the operations read API's parameters: query readers never crash, keep limits in
// range, never quote a value in a refusal, round-trip cursors, and mask identifiers to a suffix.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/request_target.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/ops/identifier_mask.hpp"
#include "gateway/ops/query_reader.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ops_query_fuzz: %s\n", what);
  std::abort();
}

// The reader's known names below, in the same order (its refusal lists them).
const std::vector<std::string_view> known_names{"actor",  "action", "entity_type", "entity_id",
                                                "from",   "to",     "cursor",      "limit",
                                                "reveal", "type",   "outcome"};

bool is_fixed_refusal(const std::string& message) {
  std::string takes = "Unknown parameter; this endpoint takes: ";
  for (std::size_t i = 0; i < known_names.size(); ++i) {
    takes += (i == 0 ? "" : ", ") + std::string(known_names[i]);
  }
  takes += ".";
  if (message == takes) return true;
  for (const std::size_t max_chars : {100, 50, 200}) {
    if (message ==
        "Must be 1 to " + std::to_string(max_chars) + " characters without control characters.") {
      return true;
    }
  }
  for (const char* rule :
       {"Must be the next_cursor of an earlier page.",
        "Must be an ISO 8601 date or time, e.g. 2026-05-29 or 2026-05-29T16:57:00Z.",
        "Must be 1, true, 0 or false.", "Must not be before from."}) {
    if (message == rule) return true;
  }
  return message ==
         "Must be a whole number from 1 to " + std::to_string(relay::ops::max_page_limit) + ".";
}

void fuzz_reader(std::string_view input) {
  const auto target = relay::api::parse_request_target(input);
  if (!target) return;
  relay::ops::QueryReader reader(*target, {"actor", "action", "entity_type", "entity_id", "from",
                                           "to", "cursor", "limit", "reveal", "type", "outcome"});
  (void)reader.text("actor");
  (void)reader.text("action", 100);
  (void)reader.text("entity_type", 50);
  (void)reader.text("entity_id");
  const auto from = reader.instant("from");
  const auto to = reader.instant("to");
  reader.require_order(from, to);
  (void)reader.cursor();
  const int limit = reader.limit();
  (void)reader.flag("reveal");
  if (limit < 1 || limit > relay::ops::max_page_limit) fail("limit out of range");
  if (!reader.error()) return;
  const auto& error = *reader.error();
  if (!error.field) fail("a refusal names no field");
  // Refusals are fixed texts (so they can quote no value): the list of known names, or a rule.
  if (!is_fixed_refusal(error.message)) fail("a refusal is not one of the fixed texts");
}

void fuzz_cursor(std::string_view input) {
  const auto cursor = relay::ops::decode_cursor(input);
  if (!cursor) return;
  const auto again = relay::ops::decode_cursor(relay::ops::encode_cursor(*cursor));
  if (!again || again->at_micros != cursor->at_micros || again->id != cursor->id) {
    fail("cursor does not round trip");
  }
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return count;
}

void fuzz_mask(std::string_view input) {
  if (!relay::domain::is_valid_utf8(input)) return;
  const std::string masked = relay::ops::mask_identifier(input);
  if (!masked.starts_with(relay::ops::mask_prefix)) fail("mask prefix missing");
  const std::string_view shown = std::string_view(masked).substr(relay::ops::mask_prefix.size());
  if (!input.ends_with(shown)) fail("masked text is not a suffix of the identifier");
  if (!relay::domain::is_valid_utf8(shown)) fail("mask cut a character");
  if (code_points(shown) > 4) fail("more than four characters shown");
  if (!shown.empty() && code_points(input) < 8) fail("a short identifier was partly shown");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      fuzz_reader(input);
      break;
    case 1:
      fuzz_cursor(input);
      break;
    case 2:
      fuzz_mask(input);
      break;
  }
  return 0;
}
