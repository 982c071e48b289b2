// The webhook bodies Metriport POSTs to the gateway (ping, message.status, any other type), read
// strictly into values. Pure and exception-free on any bytes; fuzzed (metriport_webhook_fuzz).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

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

struct WebhookRequest {
  WebhookMeta meta;
  std::variant<PingWebhook, MessageStatusWebhook, OtherWebhook> body;
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
// data (optional, any JSON). "ping": top level exactly meta + ping (string <= 1000), no other meta
// keys. "message.status": top level exactly meta + payload, no other meta keys, payload exactly id
// and patientId (UUIDs), status (completed|failed), sentAt, completedAt (date-times) and optional
// reason (1..5000 UTF-16 units). Other types: meta as above but extra meta keys and any other top
// level keys are accepted. The raw size limit is the caller's.
std::variant<WebhookRequest, WebhookRejection> parse_webhook_request(std::string_view raw_body);

}  // namespace relay::metriport
