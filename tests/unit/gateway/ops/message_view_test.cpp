// Unit tests for the operators' message view: one timeline in time order across audit events,
// Metriport sends and webhooks; patient ids masked and no PHI unless revealed; failure classes.
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "gateway/ops/message_view.hpp"

using namespace relay;
using namespace relay::ops;

namespace {

constexpr std::int64_t second = 1'000'000;
constexpr std::int64_t t0 = 1'790'000'000LL * second;

pg::MessageInspection sample() {
  pg::MessageInspection message;
  message.id = "0b7c2f9e-8d4a-4c1e-9f3b-2a6d5e4c3b21";
  message.vendor = "acme";
  message.external_id = "MSG-1";
  message.from_external_id = "DR-100";
  message.portal_status = "Draft";
  message.requested_status = "Sent";
  message.priority = 2;
  message.destination = "direct@example.org";
  message.creation_date = t0;
  message.updated_at = t0;
  message.patients = {{0, "PAT-4711", false, std::nullopt}, {1, "PAT-4712", true, "REP-0088X"}};
  message.files = {{0, "referral.pdf", "application/pdf", 12, "abc", std::nullopt}};
  pg::InspectedDelivery delivery;
  delivery.id = 7;
  delivery.patient_external_id = "PAT-4711";
  delivery.state = "retry_wait";
  delivery.has_error = true;
  delivery.created_at = t0;
  delivery.updated_at = t0;
  message.deliveries = {delivery};
  pg::InspectedSend send;
  send.delivery_id = 7;
  send.metriport_message_id = "mp-1";
  send.status = "completed";
  send.sent_at = t0 + 3 * second;
  send.completed_at = t0 + 5 * second;
  message.sends = {send};
  message.audit_events = {
      {1, t0, "vendor:1", "message", message.id, "message.queued", R"({"patients":2})"},
      {2, t0 + 1 * second, "relay:a", "delivery", "7", "delivery.claimed", "{}"},
      {3, t0 + 2 * second, "relay:a", "delivery", "7", "delivery.retry_scheduled",
       R"j({"reason":"send: transient (HTTP 503)","class":"transient"})j"},
      {4, t0 + 6 * second, "metriport:webhook", "delivery", "7", "delivery.completed", "{}"}};
  message.webhooks = {
      {9, "ev-1", "message.status", "mp-1", t0 + 4 * second, t0 + 4 * second, "applied", 1}};
  return message;
}

std::vector<std::string> kinds_and_events(const boost::json::array& timeline) {
  std::vector<std::string> out;
  for (const auto& item : timeline) {
    const auto& object = item.as_object();
    std::string label(object.at("kind").as_string());
    if (const auto* event = object.if_contains("event")) {
      label += ':';
      label.append(event->as_string().data(), event->as_string().size());
    }
    out.push_back(label);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(message_view_json)

BOOST_AUTO_TEST_CASE(timeline_merges_every_source_in_time_order) {
  const auto timeline = message_timeline(sample());
  const std::vector<std::string> expected = {"audit:message.queued",
                                             "audit:delivery.claimed",
                                             "audit:delivery.retry_scheduled",
                                             "metriport_send_accepted",
                                             "webhook",
                                             "metriport_status",
                                             "audit:delivery.completed"};
  BOOST_TEST(kinds_and_events(timeline) == expected, boost::test_tools::per_element());
  const auto& webhook = timeline[4].as_object();
  BOOST_TEST(webhook.at("event_id").as_string() == "ev-1");
  BOOST_TEST(webhook.at("outcome").as_string() == "applied");
  BOOST_TEST(!webhook.contains("payload"));
  BOOST_TEST(timeline[0].as_object().at("detail").as_object().at("patients").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(without_a_reveal_nothing_identifying_is_shown) {
  const auto text = boost::json::serialize(message_view(sample()));
  BOOST_TEST(text.find("PAT-4711") == std::string::npos);
  BOOST_TEST(text.find("REP-0088X") == std::string::npos);
  BOOST_TEST(text.find("\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"
                       "4711") != std::string::npos);
  const auto view = message_view(sample());
  const auto& message = view.at("message").as_object();
  BOOST_TEST(!message.contains("subject"));
  BOOST_TEST(!message.contains("body"));
  BOOST_TEST(!message.contains("from_name"));
  BOOST_TEST(!message.at("files").as_array()[0].as_object().contains("content_base64"));
  BOOST_TEST(!view.at("deliveries").as_array()[0].as_object().contains("last_error"));
  BOOST_TEST(view.at("revealed").as_bool() == false);
  BOOST_TEST(message.at("patient_count").as_int64() == 2);
  BOOST_TEST(message.at("sender_id").as_string() == "DR-100");
  BOOST_TEST(message.at("priority").as_string() == "High");
}

BOOST_AUTO_TEST_CASE(a_reveal_shows_content_and_whole_identifiers) {
  auto inspected = sample();
  inspected.revealed = pg::RevealedContent{"Lab results", "Body text", "Dr. Ana Ruiz"};
  inspected.files[0].content = std::string("%PDF-1.4");
  inspected.deliveries[0].last_error = "send: HTTP 503: Service Unavailable";
  const auto view = message_view(inspected);
  const auto& message = view.at("message").as_object();
  BOOST_TEST(message.at("subject").as_string() == "Lab results");
  BOOST_TEST(message.at("body").as_string() == "Body text");
  BOOST_TEST(message.at("from_name").as_string() == "Dr. Ana Ruiz");
  BOOST_TEST(message.at("files").as_array()[0].as_object().at("content_base64").as_string() ==
             "JVBERi0xLjQ=");
  const auto& delivery = view.at("deliveries").as_array()[0].as_object();
  BOOST_TEST(delivery.at("patient_external_id").as_string() == "PAT-4711");
  BOOST_TEST(delivery.at("last_error").as_string() == "send: HTTP 503: Service Unavailable");
  BOOST_TEST(
      view.at("patients").as_array()[1].as_object().at("representative_external_id").as_string() ==
      "REP-0088X");
  BOOST_TEST(view.at("revealed").as_bool());
}

BOOST_AUTO_TEST_CASE(failure_class_comes_from_the_newest_classified_event) {
  auto message = sample();
  BOOST_TEST(last_failure_class(message, 7).value_or("") == "transient");
  const auto view = message_view(message);
  BOOST_TEST(view.at("deliveries").as_array()[0].as_object().at("last_error_class").as_string() ==
             "transient");
  message.audit_events.push_back(
      {5, t0 + 7 * second, "metriport:webhook", "delivery", "7", "delivery.failed", "{}"});
  BOOST_TEST(last_failure_class(message, 7).value_or("") == "failed_by_metriport");
  BOOST_TEST(!last_failure_class(message, 8).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
