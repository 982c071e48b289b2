// Fuzz target for the operations API's parsers and PHI rules: a request target's delivery filter,
// limit and dry_run, keyset cursors, and the masking of patient ids and last errors.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/api/request_target.hpp"
#include "gateway/domain/ops/delivery_cursor.hpp"
#include "gateway/domain/ops/delivery_filter.hpp"
#include "gateway/domain/ops/phi_redaction.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/ops/ops_query.hpp"

namespace {

namespace ops = relay::domain::ops;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "ops_parameters_fuzz: %s\n", what);
  std::abort();
}

void check_text_value(const std::optional<std::string>& value) {
  if (!value) return;
  if (value->empty() || relay::domain::utf8_length(*value) > ops::max_filter_value_chars) {
    fail("a filter value outside its limits was accepted");
  }
}

void fuzz_filter(std::string_view input) {
  const auto target = relay::api::parse_request_target(input);
  if (!target) return;
  const auto parsed = ops::parse_delivery_filter(target->params, {"limit", "cursor", "dry_run"});
  if (const auto* refused = std::get_if<ops::FilterError>(&parsed)) {
    if (refused->field.empty() || refused->field.size() > 256 || refused->message.size() > 300) {
      fail("a refusal without a short field and message");
    }
  } else {
    const auto& filter = std::get<ops::DeliveryFilter>(parsed);
    for (const auto& state : filter.states) {
      bool known = false;
      for (const auto name : ops::delivery_state_names) known = known || name == state;
      if (!known) fail("an unknown state was accepted");
    }
    check_text_value(filter.vendor);
    check_text_value(filter.sender);
    check_text_value(filter.patient_external_id);
    check_text_value(filter.error);
    if (filter.created_from && filter.created_to && *filter.created_from >= *filter.created_to) {
      fail("an empty time range was accepted");
    }
  }
  const auto limit = relay::ops::page_size_of(*target);
  if (const auto* value = std::get_if<int>(&limit)) {
    if (*value < 1 || *value > relay::ops::max_page_size) fail("limit out of range");
  }
  (void)relay::ops::dry_run_of(*target);
}

void fuzz_cursor(std::string_view input) {
  static const ops::CursorCodec codec("fuzz-cursor-key-0123456789abcdef0123456789");
  if (codec.decode(input)) fail("a fuzzed cursor was accepted");
  const ops::DeliveryCursor cursor{static_cast<std::int64_t>(input.size()) * 1000003,
                                   1 + static_cast<std::int64_t>(input.size())};
  const auto again = codec.decode(codec.encode(cursor));
  if (!again || !(*again == cursor)) fail("a cursor does not survive encode and decode");
}

void fuzz_redaction(std::string_view input) {
  if (!relay::domain::is_valid_utf8(input)) return;
  const std::string masked = ops::mask_external_id(input);
  constexpr std::string_view prefix = "\u2022\u2022\u2022";
  if (!masked.starts_with(prefix)) fail("a masked id without its mask");
  const std::string_view shown = std::string_view(masked).substr(prefix.size());
  const std::size_t shown_length = relay::domain::utf8_length(shown);
  if (shown_length > 4) fail("a masked id shows more than 4 characters");
  if (shown_length * 2 > relay::domain::utf8_length(input)) fail("a masked id shows over half");
  if (!input.ends_with(shown)) fail("a masked id shows something else than the id's end");
  const auto summary = ops::error_summary(std::string(input));
  if (input.empty() != !summary.has_value()) fail("summary presence differs from the error's");
  if (summary && !relay::domain::is_valid_utf8(*summary)) fail("a summary is not UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      fuzz_filter(input);
      break;
    case 1:
      fuzz_cursor(input);
      break;
    default:
      fuzz_redaction(input);
      break;
  }
  return 0;
}
