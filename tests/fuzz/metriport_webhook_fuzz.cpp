// libFuzzer target for the webhook body reader and signature check: no input crashes them, every
// accepted body has the fields the gateway relies on (ignored ones safe to log), rejections short.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/metriport/webhook_request.hpp"
#include "adapters/metriport/webhook_signature.hpp"
#include "gateway/domain/digest.hpp"

namespace {
using namespace relay::metriport;

const std::vector<std::string> kKeys = {"V1StGXR8_Z5jdHi6B-myT"};

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_lower_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    const bool ok = dash_position ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!ok) return false;
  }
  return true;
}

// Ignored field paths are logged: short, and only identifier characters, dots and '*'.
void check_ignored_fields(const WebhookRequest& request) {
  require(request.ignored_fields.size() <= webhook_max_listed_ignored_fields);
  require(request.ignored_fields.size() <= request.ignored_field_count);
  if (request.ignored_field_count > request.ignored_fields.size()) {
    require(request.ignored_fields.size() == webhook_max_listed_ignored_fields);
  }
  for (const auto& path : request.ignored_fields) {
    require(!path.empty() && path.size() <= 8 + 64);
    for (const char c : path) {
      require((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == '*');
    }
  }
  if (std::holds_alternative<OtherWebhook>(request.body)) require(request.ignored_field_count == 0);
}

void check_request(const WebhookRequest& request) {
  check_ignored_fields(request);
  require(!request.meta.message_id.empty());
  require(!request.meta.type.empty());
  require(!request.meta.when.empty());
  if (const auto* ping = std::get_if<PingWebhook>(&request.body)) {
    require(request.meta.type == "ping");
    require(ping->ping.size() <= 4 * 1000);
  } else if (const auto* status = std::get_if<MessageStatusWebhook>(&request.body)) {
    require(request.meta.type == "message.status");
    require(status->status == "completed" || status->status == "failed");
    require(is_lower_uuid(status->id) && is_lower_uuid(status->patient_id));
    require(!status->sent_at.empty() && !status->completed_at.empty());
    require(!status->reason || !status->reason->empty());
  } else {
    require(request.meta.type != "ping" && request.meta.type != "message.status");
  }
}

void check_body(std::string_view body) {
  const auto result = parse_webhook_request(body);
  if (const auto* request = std::get_if<WebhookRequest>(&result)) {
    check_request(*request);
  } else {
    const auto& rejection = std::get<WebhookRejection>(result);
    require(!rejection.field.empty() && rejection.field.size() <= 120);
    require(!rejection.problem.empty() && rejection.problem.size() <= 64);
  }
}

void check_signature(std::string_view input) {
  // The right signature always matches, in either case; an arbitrary header never crashes.
  const std::string signature =
      relay::domain::to_hex(relay::domain::hmac_sha256_raw(kKeys.front(), input));
  require(webhook_signature_matches(input, signature, kKeys));
  std::string upper = signature;
  for (char& c : upper) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  require(webhook_signature_matches(input, " " + upper + " ", kKeys));
  require(!webhook_signature_matches(input, signature, {}));
  (void)webhook_signature_matches(input, input.substr(0, 80), kKeys);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_body(input);
  check_signature(input);
  return 0;
}
