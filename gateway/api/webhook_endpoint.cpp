// WebhookEndpoint: size, then signature (unauthenticated senders cause no write), then the event's
// schema; an event is stored with the status the relay will apply, and the relay woken.
#include "gateway/api/webhook_endpoint.hpp"

#include <boost/json.hpp>

#include "adapters/metriport/webhook_request.hpp"
#include "adapters/metriport/webhook_signature.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/log/log.hpp"

namespace relay::api {
namespace {

http::Response json_answer(beast_http::status status, const boost::json::object& body,
                           unsigned version) {
  return make_response(status, boost::json::serialize(body), WireFormat::json, version);
}

// What a stored event is at once: pings and other types need no applying; message.status waits
// for the relay (NULL).
std::optional<std::string> immediate_outcome(const metriport::WebhookRequest& event) {
  if (std::holds_alternative<metriport::MessageStatusWebhook>(event.body)) return std::nullopt;
  if (std::holds_alternative<metriport::PingWebhook>(event.body)) return "pong";
  return "recorded";
}

// Fields Metriport added that the gateway does not know: accepted (as Metriport's own schemas do),
// counted, and each path logged once per process so operators learn of the change.
void note_ignored_fields(IgnoredWebhookFields& tally, const metriport::WebhookRequest& event) {
  const auto sighting = tally.record(event.ignored_fields, event.ignored_field_count);
  for (const auto& path : sighting.first_seen) {
    log::warn("webhook.field_ignored", {{"field", path}, {"type", event.meta.type}});
  }
  if (sighting.remembered_paths_full) {
    log::warn(
        "webhook.field_ignored",
        {{"field", "*"},
         {"reason", "more than " + std::to_string(IgnoredWebhookFields::max_remembered_paths) +
                        " distinct fields: further ones are counted, not logged"}});
  }
}

const std::string unstorable_reason =
    "body: holds a value PostgreSQL cannot store (a NUL character or an out-of-range number)";

}  // namespace

boost::asio::awaitable<http::Response> WebhookEndpoint::operator()(VendorRequest& vendor_request) {
  const http::Request& request = vendor_request.http;
  const unsigned version = request.version();
  const std::string& raw = request.body();
  // Size first: an unauthenticated sender must not make the gateway hash 32 MiB per request.
  if (raw.size() > config_.webhooks.max_body_bytes) {
    log::warn("webhook.refused",
              {{"reason", "body too large"}, {"bytes", std::to_string(raw.size())}});
    co_return transport_error_response(beast_http::status::payload_too_large,
                                       "request body too large", version);
  }
  const auto signature = request["x-metriport-signature"];
  if (!metriport::webhook_signature_matches(raw, signature, config_.metriport.webhook_keys)) {
    // Unauthenticated: logged, not stored (no database write for anyone who can reach the port).
    log::warn("webhook.refused", {{"reason", signature.empty() ? "no signature" : "bad signature"},
                                  {"bytes", std::to_string(raw.size())}});
    metrics_.count_signature_failure(signature.empty() ? metrics::SignatureFailure::missing
                                                       : metrics::SignatureFailure::mismatch);
    http::Response refused{beast_http::status::unauthorized, version};
    refused.prepare_payload();
    co_return refused;
  }

  auto parsed = metriport::parse_webhook_request(raw);
  if (const auto* rejection = std::get_if<metriport::WebhookRejection>(&parsed)) {
    const std::string reason = rejection->field + ": " + rejection->problem;
    co_await inbox_.record_rejection(reason, raw);
    log::warn("webhook.rejected", {{"reason", reason}, {"bytes", std::to_string(raw.size())}});
    metrics_.count_rejection();
    co_return json_answer(beast_http::status::bad_request, {{"message", reason}}, version);
  }
  const auto& event = std::get<metriport::WebhookRequest>(parsed);
  if (event.ignored_field_count > 0) {
    note_ignored_fields(ignored_fields_, event);
    metrics_.count_ignored_fields(event.ignored_field_count);
  }
  pg::VerifiedWebhook verified{event.meta.message_id, event.meta.type, std::nullopt,
                               immediate_outcome(event)};
  // What the relay applies, as validated here: it never reads the stored payload again.
  if (const auto* reported = std::get_if<metriport::MessageStatusWebhook>(&event.body)) {
    verified.status =
        pg::WebhookStatus{reported->id, reported->status, reported->completed_at, reported->reason};
  }
  // Valid JSON that jsonb refuses (a \u0000 escape): bad input, recorded, never a 500.
  const pg::WebhookStored stored_as = co_await inbox_.store(verified, raw, unstorable_reason);
  if (stored_as == pg::WebhookStored::unstorable) {
    metrics_.count_rejection();
    co_return json_answer(beast_http::status::bad_request, {{"message", unstorable_reason}},
                          version);
  }
  const bool stored = stored_as == pg::WebhookStored::inserted;
  metrics_.count_received(
      metrics::webhook_type(event.meta.type),
      stored ? metrics::WebhookStored::stored : metrics::WebhookStored::duplicate);
  if (stored && !verified.applied_outcome) {
    // Wake the relay engines (any process) to apply it; their poll covers a lost wake-up.
    co_await inbox_.wake_relay(verified.event_id);
  }
  log::info(stored ? "webhook.stored" : "webhook.duplicate",
            {{"event_id", event.meta.message_id}, {"type", event.meta.type}});
  if (const auto* ping = std::get_if<metriport::PingWebhook>(&event.body)) {
    co_return json_answer(beast_http::status::ok, {{"pong", ping->ping}}, version);
  }
  co_return json_answer(beast_http::status::ok, {{"received", true}}, version);
}

}  // namespace relay::api
