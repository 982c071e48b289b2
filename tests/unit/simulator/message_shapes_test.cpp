// Tests of the answer and webhook shapes: Message fields, the Communication form, the compact
// webhook body and the signature test vector from the spec.
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/simulator/message_shapes.hpp"

namespace {
relay::sim::MessageRecord sample() {
  relay::sim::MessageRecord m;
  m.id = "11111111-1111-4111-8111-111111111111";
  m.patient_id = "22222222-2222-4222-8222-222222222222";
  m.transport_method = "xdr";
  m.destination = "2.16.840.1.113883.3.999";
  m.subject = "Care update";
  m.body = "Hello";
  m.attachments = {"33333333-3333-4333-8333-333333333333"};
  m.sent_at = "2024-01-01T10:00:00.000Z";
  m.updated_at = m.sent_at;
  return m;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(simulator_message_shapes)

BOOST_AUTO_TEST_CASE(signature_matches_the_spec_test_vector) {
  const std::string body =
      R"({"ping":"Uakgb_J5m9g-0JDMbcJqLJ","meta":{"messageId":"2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f","when":"2025-01-01T00:00:00.000Z","type":"ping"}})";
  BOOST_TEST(relay::sim::webhook_signature("V1StGXR8_Z5jdHi6B-myT", body) ==
             "f429187721f22a39627d0c936adb381171f072a8c8976c327fb65f1f8eb9c3c3");
}

BOOST_AUTO_TEST_CASE(transport_method_from_destination) {
  BOOST_TEST(relay::sim::transport_method_for("dr@direct.example.org") == "direct");
  BOOST_TEST(relay::sim::transport_method_for("2.16.840.1.113883.3.999") == "xdr");
}

BOOST_AUTO_TEST_CASE(message_shape) {
  auto m = sample();
  auto json = relay::sim::message_json(m);
  BOOST_TEST(json.at("direction").as_string() == "outbound");
  BOOST_TEST(json.at("status").as_string() == "processing");
  BOOST_TEST(json.at("network").as_string() == "EHEX");  // messageSchema: xdr needs a network
  BOOST_TEST(json.at("attachments").as_array().size() == 1u);
  BOOST_TEST(!json.contains("intendedRecipientNpi"));
  BOOST_TEST(!json.contains("reason"));
  m.transport_method = "direct";
  m.body.reset();
  m.status = "failed";
  m.reason = "rejected";
  json = relay::sim::message_json(m);
  BOOST_TEST(!json.contains("network"));
  BOOST_TEST(!json.contains("body"));
  BOOST_TEST(json.at("reason").as_string() == "rejected");
}

BOOST_AUTO_TEST_CASE(communication_shape) {
  auto m = sample();
  auto json = relay::sim::communication_json(m);
  const auto& c = json.at("communication").as_object();
  BOOST_TEST(c.at("resourceType").as_string() == "Communication");
  BOOST_TEST(c.at("id").as_string() == m.id);
  BOOST_TEST(c.at("status").as_string() == "in-progress");
  BOOST_TEST(c.at("topic").at("text").as_string() == "Care update");
  BOOST_TEST(c.at("recipient").as_array()[0].at("reference").as_string() == m.destination);
  BOOST_TEST(c.at("sent").as_string() == m.sent_at);
  const auto& payload = c.at("payload").as_array();
  BOOST_TEST(payload.size() == 2u);
  BOOST_TEST(payload[0].at("contentString").as_string() == "Hello");
  BOOST_TEST(payload[1].at("contentAttachment").at("url").as_string() ==
             "DocumentReference/33333333-3333-4333-8333-333333333333");
  m.status = "completed";
  BOOST_TEST(relay::sim::communication_json(m).at("communication").at("status").as_string() ==
             "completed");
  m.status = "failed";
  BOOST_TEST(relay::sim::communication_json(m).at("communication").at("status").as_string() ==
             "entered-in-error");
}

BOOST_AUTO_TEST_CASE(webhook_body_is_compact_and_ordered) {
  auto m = sample();
  m.status = "failed";
  m.completed_at = "2024-01-01T10:00:01.000Z";
  m.reason = "no route";
  const auto body = relay::sim::webhook_body(m, "44444444-4444-4444-8444-444444444444",
                                             "2024-01-01T10:00:01.000Z");
  BOOST_TEST(
      body ==
      R"({"meta":{"messageId":"44444444-4444-4444-8444-444444444444","when":"2024-01-01T10:00:01.000Z","type":"message.status"},)"
      R"("payload":{"id":"11111111-1111-4111-8111-111111111111","patientId":"22222222-2222-4222-8222-222222222222",)"
      R"("status":"failed","sentAt":"2024-01-01T10:00:00.000Z","completedAt":"2024-01-01T10:00:01.000Z","reason":"no route"}})");
}

BOOST_AUTO_TEST_SUITE_END()
