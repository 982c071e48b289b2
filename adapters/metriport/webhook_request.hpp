// The webhook bodies Metriport POSTs to the gateway (ping, message.status, any other type), read
// strictly into values. Pure and exception-free on any bytes; fuzzed (metriport_webhook_fuzz).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::metriport {

// meta of every webhook. when is kept as sent (validated as an ISO 8601 date-time).
struct WebhookMeta {
  std::string message_id;
  std::string type;
  std::string when;
  std::optional<std::string> request_id;
  bool has_data = false;  // meta.data present and not null; a manual re-send drops it
};

struct PingWebhook {
  std::string ping;
};

// payload of a message.status webhook. id and patient_id are lower-cased UUIDs; sent_at and
// completed_at are kept as sent.
struct MessageStatusWebhook {
  std::string id, patient_id, status /*completed|failed*/, sent_at, completed_at;
  std::optional<std::string> reason;
};

struct OtherWebhook {};  // any other meta.type: recorded and counted, not interpreted

inline constexpr std::size_t webhook_max_listed_ignored_fields = 16;

struct WebhookRequest {
  WebhookMeta meta;
  std::variant<PingWebhook, MessageStatusWebhook, OtherWebhook> body;
  // Keys a ping or message.status carried beyond the known ones (Metriport may add fields; its own
  // zod schemas drop unknown keys), accepted and not interpreted. Paths as rejections show them
  // ("payload.newField", "meta.*" for an unusual name), the first
  // webhook_max_listed_ignored_fields of them; ignored_field_count counts them all.
  std::vector<std::string> ignored_fields;
  std::size_t ignored_field_count = 0;
};

// Why a body was refused: the JSON path and the rule, e.g. {"payload.status", "must be completed
// or failed"}. Never holds a value from the body; unusual key names show as "*", and paths longer
// than 120 bytes are cut and end in "...".
struct WebhookRejection {
  std::string field;
  std::string problem;
};

inline constexpr std::size_t webhook_max_depth = 32;

// Rules: the body is one JSON object (valid UTF-8, no duplicate keys at any depth, nested at most
// webhook_max_depth levels). meta is required: messageId (1..255 UTF-16 units), type (1..100),
// when (YYYY-MM-DDTHH:MM:SS[.fraction] with Z or +-HH:MM), requestId (optional string, <= 255),
// data (optional, any JSON). "ping": meta + ping (string <= 1000). "message.status": meta +
// payload with id and patientId (UUIDs), status (completed|failed), sentAt, completedAt
// (date-times) and optional reason (1..5000 UTF-16 units). Unknown keys at the top, in meta or in
// payload are accepted with any value and listed in ignored_fields. Other types: meta as above and
// anything else, not interpreted (nor listed). The raw size limit is the caller's.
std::variant<WebhookRequest, WebhookRejection> parse_webhook_request(std::string_view raw_body);

}  // namespace relay::metriport
