// Tests for adapters/metriport/webhook_request: the three kinds of webhook (ping, message.status,
// other types), every rule and rejection path, and that rejections never echo the offending value.
#include "adapters/metriport/webhook_request.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace relay::metriport;

namespace {
// The spec's signed ping (test vector of "Webhooks Metriport sends to the gateway").
const std::string kSpecPing =
    R"({"ping":"Uakgb_J5m9g-0JDMbcJqLJ","meta":{"messageId":"2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f",)"
    R"("when":"2025-01-01T00:00:00.000Z","type":"ping"}})";

const std::string kStatusCompleted =
    R"({"meta":{"messageId":"9b0c7c0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e","when":"2026-06-16T18:40:00.000Z",)"
    R"("type":"message.status","data":{"deliveryId":"42","tags":["a",1,null]}},)"
    R"("payload":{"id":"0195f1a2-3b4c-7d5e-8f60-718293a4b5c6","patientId":"0195f1a2-0000-7000-8000-000000000001",)"
    R"("status":"completed","sentAt":"2026-06-16T18:40:00.000Z","completedAt":"2026-06-16T18:41:02.123Z"}})";

const std::string kStatusFailed =
    R"({"meta":{"messageId":"m-2","when":"2026-06-16T18:40:00.000Z","type":"message.status"},)"
    R"("payload":{"id":"0195f1a2-3b4c-7d5e-8f60-718293a4b5c6","patientId":"0195f1a2-0000-7000-8000-000000000001",)"
    R"("status":"failed","sentAt":"2026-06-16T18:40:00.000Z","completedAt":"2026-06-16T18:45:00.000Z",)"
    R"("reason":"Recipient address not found"}})";

// Replaces the first occurrence of from (which must be there).
std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "test body lacks " + from);
  return text.replace(at, from.size(), to);
}

WebhookRequest accepted(const std::string& body) {
  auto result = parse_webhook_request(body);
  if (const auto* rejection = std::get_if<WebhookRejection>(&result)) {
    BOOST_FAIL("rejected: " + rejection->field + ": " + rejection->problem);
  }
  return std::get<WebhookRequest>(std::move(result));
}

// Checks the rejection and that it carries no trace of the values marked LEAK in the body.
void expect_rejected(const std::string& body, const std::string& field,
                     const std::string& problem) {
  BOOST_TEST_CONTEXT(body) {
    const auto result = parse_webhook_request(body);
    const auto* rejection = std::get_if<WebhookRejection>(&result);
    BOOST_REQUIRE(rejection != nullptr);
    BOOST_TEST(rejection->field == field);
    BOOST_TEST(rejection->problem == problem);
    BOOST_TEST(rejection->field.find("LEAK") == std::string::npos);
    BOOST_TEST(rejection->problem.find("LEAK") == std::string::npos);
  }
}

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string ping_with_data(const std::string& data) {
  return R"({"meta":{"messageId":"m","when":"2026-06-16T18:40:00Z","type":"ping","data":)" + data +
         R"(},"ping":"p"})";
}

// "text" built by appending (GCC 12 warns falsely on "literal" + std::string&&).
std::string quoted(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(metriport_webhook_request)

BOOST_AUTO_TEST_CASE(spec_ping) {
  const WebhookRequest request = accepted(kSpecPing);
  BOOST_TEST(request.meta.message_id == "2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f");
  BOOST_TEST(request.meta.type == "ping");
  BOOST_TEST(request.meta.when == "2025-01-01T00:00:00.000Z");
  BOOST_TEST(!request.meta.request_id.has_value());
  BOOST_TEST(!request.meta.has_data);
  BOOST_REQUIRE(std::holds_alternative<PingWebhook>(request.body));
  BOOST_TEST(std::get<PingWebhook>(request.body).ping == "Uakgb_J5m9g-0JDMbcJqLJ");
}

BOOST_AUTO_TEST_CASE(ping_with_request_id_data_and_edge_lengths) {
  const WebhookRequest request = accepted(
      R"({"meta":{"messageId":"m","requestId":"r-1","when":"2026-06-16T18:40:00Z","type":"ping",)"
      R"("data":{"x":1}},"ping":""})");
  BOOST_TEST(request.meta.request_id.value_or("") == "r-1");
  BOOST_TEST(request.meta.has_data);
  BOOST_TEST(std::get<PingWebhook>(request.body).ping.empty());
  const std::string long_ping = with(kSpecPing, "Uakgb_J5m9g-0JDMbcJqLJ", std::string(1000, 'p'));
  BOOST_TEST(std::get<PingWebhook>(accepted(long_ping).body).ping.size() == 1000u);
  const std::string long_id =
      with(kSpecPing, "2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f", std::string(255, 'i'));
  BOOST_TEST(accepted(long_id).meta.message_id.size() == 255u);
}

BOOST_AUTO_TEST_CASE(message_status_completed_without_reason) {
  const WebhookRequest request = accepted(kStatusCompleted);
  BOOST_TEST(request.meta.message_id == "9b0c7c0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e");
  BOOST_TEST(request.meta.type == "message.status");
  BOOST_TEST(request.meta.has_data);
  BOOST_REQUIRE(std::holds_alternative<MessageStatusWebhook>(request.body));
  const auto& status = std::get<MessageStatusWebhook>(request.body);
  BOOST_TEST(status.id == "0195f1a2-3b4c-7d5e-8f60-718293a4b5c6");
  BOOST_TEST(status.patient_id == "0195f1a2-0000-7000-8000-000000000001");
  BOOST_TEST(status.status == "completed");
  BOOST_TEST(status.sent_at == "2026-06-16T18:40:00.000Z");
  BOOST_TEST(status.completed_at == "2026-06-16T18:41:02.123Z");
  BOOST_TEST(!status.reason.has_value());
}

BOOST_AUTO_TEST_CASE(message_status_failed_with_reason) {
  const WebhookRequest request = accepted(kStatusFailed);
  BOOST_TEST(!request.meta.has_data);
  const auto& status = std::get<MessageStatusWebhook>(request.body);
  BOOST_TEST(status.status == "failed");
  BOOST_TEST(status.reason.value_or("") == "Recipient address not found");
  // A reason on a completed status is not Metriport's habit, but its schema allows it.
  const auto completed = accepted(with(kStatusFailed, R"("failed")", R"("completed")"));
  BOOST_TEST(std::get<MessageStatusWebhook>(completed.body).reason.has_value());
}

BOOST_AUTO_TEST_CASE(manual_resend_has_no_data) {
  const std::string resent =
      with(kStatusCompleted, R"(,"data":{"deliveryId":"42","tags":["a",1,null]})", "");
  const WebhookRequest request = accepted(resent);
  BOOST_TEST(request.meta.message_id == "9b0c7c0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e");
  BOOST_TEST(request.meta.when == "2026-06-16T18:40:00.000Z");
  BOOST_TEST(!request.meta.has_data);
  // data: null (zod's nullish) counts as no data.
  BOOST_TEST(!accepted(ping_with_data("null")).meta.has_data);
  for (const char* data : {"0", "false", R"("")", "[]", "{}"}) {
    BOOST_TEST_CONTEXT(data) {
      BOOST_TEST(accepted(ping_with_data(data)).meta.has_data);
    }
  }
}

BOOST_AUTO_TEST_CASE(upper_case_uuids_are_accepted_and_lower_cased) {
  std::string body = with(kStatusCompleted, "0195f1a2-3b4c-7d5e-8f60-718293a4b5c6",
                          "0195F1A2-3B4C-7D5E-8F60-718293A4B5C6");
  body = with(body, "0195f1a2-0000-7000-8000-000000000001", "0195F1A2-0000-7000-8000-00000000000A");
  const WebhookRequest request = accepted(body);
  const auto& status = std::get<MessageStatusWebhook>(request.body);
  BOOST_TEST(status.id == "0195f1a2-3b4c-7d5e-8f60-718293a4b5c6");
  BOOST_TEST(status.patient_id == "0195f1a2-0000-7000-8000-00000000000a");
  // Any version and the nil UUID pass, like zod's uuid().
  const auto nil = accepted(with(kStatusCompleted, "0195f1a2-3b4c-7d5e-8f60-718293a4b5c6",
                                 std::string(8, '0') + "-0000-0000-0000-" + std::string(12, '0')));
  BOOST_TEST(std::get<MessageStatusWebhook>(nil.body).id == "00000000-0000-0000-0000-000000000000");
}

BOOST_AUTO_TEST_CASE(other_types_are_accepted_with_extra_keys) {
  const WebhookRequest request = accepted(
      R"({"meta":{"messageId":"m-3","when":"2026-06-16T18:40:00+02:00","type":"medical.consolidated-data",)"
      R"("data":{"k":"v"},"pagination":{"page":1}},"patients":[{"patientId":"p","status":"completed"}],)"
      R"("payload":"anything","extra":null})");
  BOOST_TEST(request.meta.type == "medical.consolidated-data");
  BOOST_TEST(request.meta.has_data);
  BOOST_TEST(std::holds_alternative<OtherWebhook>(request.body));
  // message.received (inbound), meta only.
  const WebhookRequest inbound = accepted(
      R"({"meta":{"messageId":"m-4","when":"2026-06-16T18:40:00Z","type":"message.received"}})");
  BOOST_TEST(std::holds_alternative<OtherWebhook>(inbound.body));
  // Types are compared exactly: "Ping" is some other type, not a ping.
  const WebhookRequest odd = accepted(with(kSpecPing, R"("type":"ping")", R"("type":"Ping")"));
  BOOST_TEST(std::holds_alternative<OtherWebhook>(odd.body));
}

BOOST_AUTO_TEST_CASE(date_times) {
  for (const char* when :
       {"2026-06-16T18:40:00Z", "2026-06-16T18:40:00.1Z", "2026-06-16T18:40:00.123456Z",
        "2026-06-16T18:40:00.123456789Z", "2026-06-16T18:40:00+02:00",
        "2026-06-16T18:40:00.5-07:30", "2024-02-29T23:59:59.999Z", "2026-06-16T00:00:00+14:00"}) {
    BOOST_TEST_CONTEXT(when) {
      BOOST_TEST(accepted(with(kSpecPing, "2025-01-01T00:00:00.000Z", when)).meta.when == when);
    }
  }
  for (const char* when : {"",
                           "LEAK",
                           "2026-06-16",
                           "2026-06-16 18:40:00Z",
                           "2026-06-16T18:40Z",
                           "2026-06-16T18:40:00",
                           "2026-02-30T00:00:00Z",
                           "2025-02-29T00:00:00Z",
                           "2026-13-01T00:00:00Z",
                           "2026-06-16T24:00:00Z",
                           "2026-06-16T18:60:00Z",
                           "2026-06-16T18:40:60Z",
                           "2026-06-16T18:40:00.Z",
                           "2026-06-16T18:40:00.0123456789Z",
                           "2026-06-16T18:40:00+0200",
                           "2026-06-16T18:40:00+02",
                           "2026-06-16T18:40:00+15:00",
                           "2026-06-16t18:40:00z",
                           "2026-06-16T18:40:00z",
                           " 2026-06-16T18:40:00Z",
                           "2026-06-16T18:40:00Z ",
                           "2026-06-16T18:40:00ZZ",
                           "+2026-06-16T18:40:00Z",
                           "2026-6-16T18:40:00Z"}) {
    expect_rejected(with(kSpecPing, "2025-01-01T00:00:00.000Z", when), "meta.when",
                    "must be an ISO 8601 date-time");
  }
  expect_rejected(with(kSpecPing, R"("2025-01-01T00:00:00.000Z")", "1750000000"), "meta.when",
                  "must be a string");
  expect_rejected(with(kStatusCompleted, "2026-06-16T18:40:00.000Z\",\"completedAt",
                       "2026-06-16T18:40:00.000LEAK\",\"completedAt"),
                  "payload.sentAt", "must be an ISO 8601 date-time");
  expect_rejected(with(kStatusCompleted, "2026-06-16T18:41:02.123Z", "LEAK"), "payload.completedAt",
                  "must be an ISO 8601 date-time");
}

BOOST_AUTO_TEST_CASE(body_must_be_one_json_object) {
  for (const char* body : {"", " ", "LEAK", "{", R"({"meta":)", "{} {}", "{} LEAK", "{,}",
                           R"({"a":1,})", "{/*LEAK*/}", "\xEF\xBB\xBF{}", "{'a':1}", "NaN"}) {
    expect_rejected(body, "body", "is not valid JSON");
  }
  for (const char* body : {"[]", "null", "1", R"("LEAK")", "true"}) {
    expect_rejected(body, "body", "must be a JSON object");
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_refused) {
  for (const std::string& bad :
       {std::string("\xC3\x28"), std::string("\xED\xA0\x80"), std::string("\xC0\xAF"),
        std::string("\xFF"), std::string("\xF4\x90\x80\x80")}) {
    expect_rejected(with(kSpecPing, "Uakgb_J5m9g-0JDMbcJqLJ", "LEAK" + bad), "body",
                    "is not valid UTF-8");
  }
  // Escaped lone surrogates are not bytes of invalid UTF-8, but Boost.JSON refuses them too.
  expect_rejected(with(kSpecPing, "Uakgb_J5m9g-0JDMbcJqLJ", "\\ud800"), "body",
                  "is not valid JSON");
  BOOST_TEST(std::get<PingWebhook>(
                 accepted(with(kSpecPing, "Uakgb_J5m9g-0JDMbcJqLJ", "\\ud83d\\ude00 é")).body)
                 .ping == "\xF0\x9F\x98\x80 \xC3\xA9");
}

BOOST_AUTO_TEST_CASE(depth_limit) {
  // The root object and meta are two levels; data adds its own.
  BOOST_TEST(accepted(ping_with_data(nested_arrays(webhook_max_depth - 2))).meta.has_data);
  expect_rejected(ping_with_data(nested_arrays(webhook_max_depth - 1)), "body",
                  "is nested deeper than 32 levels");
  expect_rejected(nested_arrays(100000), "body", "is nested deeper than 32 levels");
}

BOOST_AUTO_TEST_CASE(duplicate_keys_anywhere) {
  expect_rejected(R"({"meta":{},"meta":{"messageId":"LEAK"}})", "meta", "duplicate key");
  expect_rejected(with(kSpecPing, R"("type":"ping")", R"("type":"ping","type":"ping")"),
                  "meta.type", "duplicate key");
  expect_rejected(with(kSpecPing, R"({"ping")", R"({"ping":"LEAK","ping")"), "ping",
                  "duplicate key");
  expect_rejected(with(kStatusCompleted, R"("status":"completed")",
                       R"("status":"failed","status":"completed")"),
                  "payload.status", "duplicate key");
  expect_rejected(ping_with_data(R"({"items":[{"k":1},{"k":2,"k":"LEAK"}]})"),
                  "meta.data.items[].k", "duplicate key");
  expect_rejected(ping_with_data(R"([[{"a b":1,"a b":2}]])"), "meta.data[][].*", "duplicate key");
  expect_rejected(ping_with_data("{\"\":1,\"\":2}"), "meta.data.*", "duplicate key");
  // Deep paths are cut to 120 bytes.
  std::string deep = R"({"k":1,"k":2})";
  for (int level = 0; level < 20; ++level) deep = "{\"" + std::string(20, 'a') + "\":" + deep + "}";
  const auto deep_result = parse_webhook_request(ping_with_data(deep));
  const auto* cut = std::get_if<WebhookRejection>(&deep_result);
  BOOST_REQUIRE(cut != nullptr);
  BOOST_TEST(cut->field.size() == 120u);
  BOOST_TEST(cut->field.substr(0, 10) == "meta.data.");
  BOOST_TEST(cut->field.substr(117) == "...");
  BOOST_TEST(cut->problem == "duplicate key");
  // The same key in different objects is fine.
  BOOST_TEST(accepted(ping_with_data(R"({"k":{"k":1},"j":[{"k":1},{"k":2}]})")).meta.has_data);
  // Duplicates are refused even in the parts of other types the gateway does not interpret.
  expect_rejected(
      R"({"meta":{"messageId":"m","when":"2026-06-16T18:40:00Z","type":"patient.admit"},)"
      R"("payload":{"x":1,"x":2}})",
      "payload.x", "duplicate key");
}

BOOST_AUTO_TEST_CASE(meta_rules) {
  expect_rejected(R"({"ping":"p"})", "meta", "is required");
  for (const char* meta : {"null", "[]", R"("LEAK")", "1"}) {
    expect_rejected(std::string(R"({"ping":"p","meta":)") + meta + "}", "meta",
                    "must be an object");
  }
  const std::pair<std::string, std::string> type_cases[] = {
      {R"("type":"ping")", ""},
      {R"("type":"ping")", R"("type":null)"},
      {R"("type":"ping")", R"("type":7)"},
      {R"("type":"ping")", R"("type":"")"},
      {R"("type":"ping")", R"("type":")" + std::string(101, 'L') + "\""}};
  const char* type_problems[] = {"is required", "must be a string", "must be a string",
                                 "must not be empty", "must be at most 100 characters"};
  for (std::size_t i = 0; i < std::size(type_cases); ++i) {
    std::string body = with(kSpecPing, type_cases[i].first, type_cases[i].second);
    if (type_cases[i].second.empty()) body = with(body, R"(,})", "}");
    expect_rejected(body, "meta.type", type_problems[i]);
  }
  BOOST_TEST(
      accepted(with(kSpecPing, R"("type":"ping")", R"("type":")" + std::string(100, 't') + "\""))
          .meta.type.size() == 100u);

  const std::string id = R"("messageId":"2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f",)";
  expect_rejected(with(kSpecPing, id, ""), "meta.messageId", "is required");
  expect_rejected(with(kSpecPing, id, R"("messageId":1234,)"), "meta.messageId",
                  "must be a string");
  expect_rejected(with(kSpecPing, id, R"("messageId":"",)"), "meta.messageId", "must not be empty");
  expect_rejected(with(kSpecPing, id, R"("messageId":")" + std::string(256, 'L') + "\","),
                  "meta.messageId", "must be at most 255 characters");
  // Lengths count UTF-16 units like Metriport's zod: an emoji is two.
  expect_rejected(with(kSpecPing, id, R"("messageId":")" + repeat("\xF0\x9F\x98\x80", 128) + "\","),
                  "meta.messageId", "must be at most 255 characters");

  expect_rejected(with(kSpecPing, R"("when":"2025-01-01T00:00:00.000Z",)", ""), "meta.when",
                  "is required");

  for (const char* request_id : {"null", "1", "[]"}) {
    expect_rejected(with(kSpecPing, id, id + R"("requestId":)" + request_id + ","),
                    "meta.requestId", "must be a string");
  }
  expect_rejected(with(kSpecPing, id, id + R"("requestId":")" + std::string(256, 'L') + "\","),
                  "meta.requestId", "must be at most 255 characters");
  BOOST_TEST(accepted(with(kSpecPing, id, id + R"("requestId":"",)")).meta.request_id.has_value());
}

BOOST_AUTO_TEST_CASE(ping_rules) {
  expect_rejected(with(kSpecPing, R"("ping":"Uakgb_J5m9g-0JDMbcJqLJ",)", ""), "ping",
                  "is required");
  expect_rejected(with(kSpecPing, R"("Uakgb_J5m9g-0JDMbcJqLJ")", "1"), "ping", "must be a string");
  expect_rejected(with(kSpecPing, R"("Uakgb_J5m9g-0JDMbcJqLJ")", "null"), "ping",
                  "must be a string");
  expect_rejected(with(kSpecPing, "Uakgb_J5m9g-0JDMbcJqLJ", std::string(1001, 'L')), "ping",
                  "must be at most 1000 characters");
  // Added fields do not stand in for ping.
  expect_rejected(with(kSpecPing, R"("ping":"Uakgb_J5m9g-0JDMbcJqLJ",)", R"("Ping":"p",)"), "ping",
                  "is required");
}

BOOST_AUTO_TEST_CASE(fields_metriport_adds_are_accepted_and_listed) {
  // Metriport's schemas are plain z.object: unknown keys are dropped, not refused. The gateway
  // accepts them at the top, in meta and in payload, with any value, and lists their paths.
  const std::pair<std::string, std::string> status_cases[] = {
      {R"({"meta")", R"({"version":{"major":2,"tags":["a",null]},"meta")"},
      {R"("type":"message.status")", R"("type":"message.status","attempt":3)"},
      {R"("status":"completed")", R"("status":"completed","deliveredTo":"direct@example.org")"},
  };
  const char* status_paths[] = {"version", "meta.attempt", "payload.deliveredTo"};
  for (std::size_t i = 0; i < std::size(status_cases); ++i) {
    BOOST_TEST_CONTEXT(status_paths[i]) {
      const WebhookRequest request =
          accepted(with(kStatusCompleted, status_cases[i].first, status_cases[i].second));
      const auto& status = std::get<MessageStatusWebhook>(request.body);
      BOOST_TEST(status.id == "0195f1a2-3b4c-7d5e-8f60-718293a4b5c6");
      BOOST_TEST(status.status == "completed");
      BOOST_TEST(request.ignored_fields == std::vector<std::string>{status_paths[i]});
      BOOST_TEST(request.ignored_field_count == 1u);
    }
  }
  // All three places at once, in the failed form, listed top, meta, payload.
  std::string everywhere = with(kStatusFailed, R"({"meta")", R"({"extra":null,"meta")");
  everywhere = with(everywhere, R"("type":"message.status")", R"("type":"message.status","x":[])");
  everywhere = with(everywhere, R"("reason")", R"("retryable":false,"reason")");
  const WebhookRequest request = accepted(everywhere);
  BOOST_TEST(std::get<MessageStatusWebhook>(request.body).reason.value_or("") ==
             "Recipient address not found");
  BOOST_TEST(
      (request.ignored_fields == std::vector<std::string>{"extra", "meta.x", "payload.retryable"}));

  // Ping too.
  std::string ping = with(kSpecPing, R"({"ping")", R"({"extra":"v","ping")");
  ping = with(ping, R"("type":"ping")", R"("type":"ping","pagination":{"page":1})");
  const WebhookRequest pinged = accepted(ping);
  BOOST_TEST(std::get<PingWebhook>(pinged.body).ping == "Uakgb_J5m9g-0JDMbcJqLJ");
  BOOST_TEST((pinged.ignored_fields == std::vector<std::string>{"extra", "meta.pagination"}));

  // The known events list nothing; other types are not interpreted, so nothing is listed either.
  BOOST_TEST(accepted(kStatusCompleted).ignored_fields.empty());
  BOOST_TEST(accepted(kSpecPing).ignored_field_count == 0u);
  const WebhookRequest other = accepted(
      R"({"meta":{"messageId":"m","when":"2026-06-16T18:40:00Z","type":"patient.admit","k":1},"x":2})");
  BOOST_TEST(other.ignored_field_count == 0u);
}

BOOST_AUTO_TEST_CASE(ignored_field_names_are_safe_and_bounded) {
  // Unusual or long names show as "*" (never the name itself: it could be anything).
  std::string body = with(kStatusFailed, R"("status":"failed")",
                          R"("status":"failed","LEAK me":1,")" + std::string(65, 'L') +
                              R"(":2,"caf\u00e9":3,"ok_Name-9":4)");
  const WebhookRequest request = accepted(body);
  BOOST_TEST(
      (request.ignored_fields ==
       std::vector<std::string>{"payload.*", "payload.*", "payload.*", "payload.ok_Name-9"}));
  // Only the first webhook_max_listed_ignored_fields are listed; all are counted.
  std::string many;
  for (int i = 0; i < 100; ++i) {
    many += ",\"f";
    many += std::to_string(i);
    many += "\":1";
  }
  const WebhookRequest crowded =
      accepted(with(kStatusFailed, R"("status":"failed")", R"("status":"failed")" + many));
  BOOST_TEST(crowded.ignored_fields.size() == webhook_max_listed_ignored_fields);
  BOOST_TEST(crowded.ignored_fields.front() == "payload.f0");
  BOOST_TEST(crowded.ignored_field_count == 100u);
}

BOOST_AUTO_TEST_CASE(added_fields_keep_every_other_rule) {
  // Duplicates, depth and UTF-8 are checked in added fields as anywhere else.
  expect_rejected(with(kStatusFailed, R"("status":"failed")", R"("status":"failed","n":1,"n":2)"),
                  "payload.n", "duplicate key");
  expect_rejected(with(kSpecPing, R"({"ping")", R"({"extra":)" + nested_arrays(40) + R"(,"ping")"),
                  "body", "is nested deeper than 32 levels");
  expect_rejected(with(kSpecPing, R"({"ping")", "{\"extra\":\"LEAK\xFF\",\"ping\""), "body",
                  "is not valid UTF-8");
  // Known fields keep their types and formats next to added ones.
  expect_rejected(
      with(with(kStatusFailed, R"("failed")", R"("LEAK")"), R"({"meta")", R"({"new":1,"meta")"),
      "payload.status", "must be completed or failed");
  expect_rejected(with(with(kStatusFailed, "0195f1a2-0000-7000-8000-000000000001", "LEAK"),
                       R"("type":"message.status")", R"("type":"message.status","new":1)"),
                  "payload.patientId", "must be a UUID");
  expect_rejected(
      R"({"meta":{"messageId":"m","when":"2026-06-16T18:40:00Z","type":"message.status",)"
      R"("new":1},"Payload":{},"more":2})",
      "payload", "is required");
  expect_rejected(
      with(kSpecPing, R"("when":"2025-01-01T00:00:00.000Z",)", R"("when":"LEAK","whenever":1,)"),
      "meta.when", "must be an ISO 8601 date-time");
}

BOOST_AUTO_TEST_CASE(message_status_rules) {
  expect_rejected(
      R"({"meta":{"messageId":"m","when":"2026-06-16T18:40:00Z","type":"message.status"}})",
      "payload", "is required");
  expect_rejected(
      R"({"meta":{"messageId":"m","when":"2026-06-16T18:40:00Z","type":"message.status"},)"
      R"("payload":["LEAK"]})",
      "payload", "must be an object");

  const std::string id = R"("id":"0195f1a2-3b4c-7d5e-8f60-718293a4b5c6",)";
  expect_rejected(with(kStatusFailed, id, ""), "payload.id", "is required");
  expect_rejected(with(kStatusFailed, id, R"("id":17,)"), "payload.id", "must be a string");
  for (const char* bad :
       {"", "LEAK", "0195f1a2-3b4c-7d5e-8f60-718293a4b5c", "0195f1a2-3b4c-7d5e-8f60-718293a4b5c67",
        "0195f1a23b4c7d5e8f60718293a4b5c6LEAK", "0195f1a2-3b4c-7d5e-8f60_718293a4b5c6",
        "0195f1a2-3b4c-7d5e-8f60-718293a4b5cg", "{0195f1a2-3b4c-7d5e-8f60-718293a4b5c6}",
        " 0195f1a2-3b4c-7d5e-8f60-718293a4b5c6", "0195f1a2-3b4c-7d5e-8f607-18293a4b5c6"}) {
    expect_rejected(with(kStatusFailed, id, std::string(R"("id":")") + bad + "\","), "payload.id",
                    "must be a UUID");
  }
  expect_rejected(with(kStatusFailed, "0195f1a2-0000-7000-8000-000000000001", "LEAK"),
                  "payload.patientId", "must be a UUID");
  expect_rejected(with(kStatusFailed, R"("patientId":"0195f1a2-0000-7000-8000-000000000001",)", ""),
                  "payload.patientId", "is required");

  expect_rejected(with(kStatusFailed, R"("status":"failed",)", ""), "payload.status",
                  "is required");
  for (const char* status :
       {R"("processing")", R"("COMPLETED")", R"("")", R"("LEAK")", R"(" failed")"}) {
    expect_rejected(with(kStatusFailed, R"("failed")", status), "payload.status",
                    "must be completed or failed");
  }
  expect_rejected(with(kStatusFailed, R"("failed")", "true"), "payload.status", "must be a string");

  expect_rejected(with(kStatusFailed, R"("sentAt":"2026-06-16T18:40:00.000Z",)", ""),
                  "payload.sentAt", "is required");
  expect_rejected(with(kStatusFailed, R"("completedAt":"2026-06-16T18:45:00.000Z",)", ""),
                  "payload.completedAt", "is required");
  expect_rejected(with(kStatusFailed, "2026-06-16T18:45:00.000Z", "2026-06-16T18:45:00.000+25:00"),
                  "payload.completedAt", "must be an ISO 8601 date-time");
}

BOOST_AUTO_TEST_CASE(reason_rules) {
  const std::string reason = R"("Recipient address not found")";
  expect_rejected(with(kStatusFailed, reason, R"("")"), "payload.reason", "must not be empty");
  expect_rejected(with(kStatusFailed, reason, "null"), "payload.reason", "must be a string");
  expect_rejected(with(kStatusFailed, reason, R"(["LEAK"])"), "payload.reason", "must be a string");
  expect_rejected(with(kStatusFailed, reason, quoted(std::string(5001, 'L'))), "payload.reason",
                  "must be at most 5000 characters");
  // 2500 emoji are 5000 UTF-16 units (fine), 2501 are 5002.
  const std::string emoji = "\xF0\x9F\x98\x80";
  const auto at_limit = accepted(with(kStatusFailed, reason, quoted(repeat(emoji, 2500))));
  BOOST_TEST(std::get<MessageStatusWebhook>(at_limit.body).reason->size() == 10000u);
  expect_rejected(with(kStatusFailed, reason, quoted(repeat(emoji, 2501))), "payload.reason",
                  "must be at most 5000 characters");
  BOOST_TEST(
      accepted(with(kStatusFailed, reason, quoted(std::string(5000, 'r')))).meta.message_id ==
      "m-2");
}

BOOST_AUTO_TEST_CASE(rejections_name_rules_not_values) {
  // Every broken value below holds LEAK; no rejection may carry it (expect_rejected checks).
  const std::pair<std::string, std::string> cases[] = {
      {R"("Recipient address not found")", quoted(std::string(6000, 'L') + "EAK")},
      {R"("failed")", R"("LEAK")"},
      {"2026-06-16T18:40:00.000Z\",\"type", "LEAK\",\"type"},
      {R"("m-2")", quoted(std::string(300, 'L') + "EAK")}};
  for (const auto& [from, to] : cases) {
    const auto result = parse_webhook_request(with(kStatusFailed, from, to));
    const auto* rejection = std::get_if<WebhookRejection>(&result);
    BOOST_REQUIRE(rejection != nullptr);
    BOOST_TEST(rejection->field.find("LEAK") == std::string::npos);
    BOOST_TEST(rejection->problem.find("LEAK") == std::string::npos);
    BOOST_TEST(rejection->problem.find("LLL") == std::string::npos);
    BOOST_TEST(rejection->field.size() + rejection->problem.size() < 100u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
