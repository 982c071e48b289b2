// Tests for adapters/metriport/answer_parsers and message_record_parser: Patient, upload answer,
// both message shapes (the seeds' Communication and the SDK's Message) and the list answer.
#include "adapters/metriport/answer_parsers.hpp"

#include <boost/test/unit_test.hpp>

#include "adapters/metriport/message_record_parser.hpp"

using namespace relay::metriport;

namespace {
// The send answer documented in the seeds (000_c2236085ea2c3b3a.txt).
constexpr const char* kCommunicationAnswer = R"({
  "communication": {
    "resourceType": "Communication",
    "id": "00000000-0000-0000-0000-00000000000a",
    "status": "in-progress",
    "subject": {"reference": "Patient/00000000-0000-0000-0000-00000000000b"},
    "topic": {"text": "Referral - cardiology"},
    "sender": {"display": "Your Organization Name"},
    "recipient": [{"type": "Organization", "display": "intake@cardio.direct.partner.com"},
                  {"type": "Practitioner", "display": "1234567893"}],
    "sent": "2026-06-16T18:40:00.000Z",
    "payload": [{"contentString": "Please review."},
                {"contentReference": {"reference": "DocumentReference/d-1"}},
                {"contentAttachment": {"url": "DocumentReference/d-2"}},
                {"contentAttachment": {"url": "https://x/Binary/3"}}]
  }
})";

// The SDK's Message shape.
constexpr const char* kMessageAnswer = R"({"id":"m-1","patientId":"p-1","direction":"outbound",
  "status":"failed","transportMethod":"direct","destination":"1.2.840.1","subject":"S",
  "body":"B","attachments":["d-1",""],"intendedRecipientNpi":["1"],
  "sentAt":"2026-06-16T18:40:00.000Z","updatedAt":"2026-06-16T18:41:00.000Z",
  "reason":"recipient unknown"})";
}  // namespace

BOOST_AUTO_TEST_SUITE(metriport_answer_parsers)

BOOST_AUTO_TEST_CASE(patient) {
  const auto parsed = parse_patient(
      R"({"id":"u-1","externalId":"P-1","facilityIds":["f"],"firstName":"Sim","address":[]})");
  BOOST_REQUIRE(parsed.value.has_value());
  BOOST_TEST(parsed.value->id == "u-1");
  BOOST_TEST(parsed.value->external_id == "P-1");
  BOOST_TEST(parse_patient(R"({"id":"u-1"})").value->external_id.empty());
  for (const char* body :
       {"", "[]", "{}", R"({"id":""})", R"({"id":5})", "{\"id\":\"u\"", "null"}) {
    BOOST_TEST_CONTEXT(body) {
      const auto failed = parse_patient(body);
      BOOST_TEST(!failed.value.has_value());
      BOOST_TEST(!failed.error.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(document_upload) {
  const auto parsed = parse_document_upload(
      R"({"documentReferenceId":"d-1","uploadUrl":"https://bucket.s3.amazonaws.com/k?X-Amz=1"})");
  BOOST_REQUIRE(parsed.value.has_value());
  BOOST_TEST(parsed.value->document_reference_id == "d-1");
  BOOST_TEST(parsed.value->upload_url == "https://bucket.s3.amazonaws.com/k?X-Amz=1");
  for (const char* body : {R"({"documentReferenceId":"d-1"})", R"({"uploadUrl":"https://x/"})",
                           R"({"documentReferenceId":"","uploadUrl":"https://x/"})",
                           R"({"documentReferenceId":"d","uploadUrl":"/relative"})",
                           R"({"documentReferenceId":"d","uploadUrl":"file:///etc/passwd"})"}) {
    BOOST_TEST_CONTEXT(body) {
      BOOST_TEST(!parse_document_upload(body).value.has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(communication_shape) {
  const auto parsed = parse_message_answer(kCommunicationAnswer);
  BOOST_REQUIRE(parsed.value.has_value());
  const MessageRecord& record = *parsed.value;
  BOOST_TEST(record.id == "00000000-0000-0000-0000-00000000000a");
  BOOST_TEST(record.patient_id == "00000000-0000-0000-0000-00000000000b");
  BOOST_TEST(record.status == "processing");
  BOOST_TEST(record.destination == "intake@cardio.direct.partner.com");
  BOOST_TEST(record.subject == "Referral - cardiology");
  BOOST_TEST(record.body.value_or("") == "Please review.");
  BOOST_TEST(record.attachments == (std::vector<std::string>{"d-1", "d-2"}),
             boost::test_tools::per_element());
  BOOST_TEST(record.sent_at.value_or("") == "2026-06-16T18:40:00.000Z");
  BOOST_TEST(!record.reason.has_value());
}

BOOST_AUTO_TEST_CASE(communication_recipient_reference_and_status_reason) {
  const auto parsed = parse_message_answer(
      R"({"communication":{"id":"c","status":"stopped","recipient":[{"reference":"Endpoint/e"}],)"
      R"("statusReason":{"text":"rejected by HISP"}}})");
  BOOST_REQUIRE(parsed.value.has_value());
  BOOST_TEST(parsed.value->destination == "Endpoint/e");
  BOOST_TEST(parsed.value->status == "failed");
  BOOST_TEST(parsed.value->reason.value_or("") == "rejected by HISP");
}

BOOST_AUTO_TEST_CASE(message_shape) {
  const auto parsed = parse_message_answer(kMessageAnswer);
  BOOST_REQUIRE(parsed.value.has_value());
  const MessageRecord& record = *parsed.value;
  BOOST_TEST(record.id == "m-1");
  BOOST_TEST(record.patient_id == "p-1");
  BOOST_TEST(record.status == "failed");
  BOOST_TEST(record.destination == "1.2.840.1");
  BOOST_TEST(record.subject == "S");
  BOOST_TEST(record.body.value_or("") == "B");
  BOOST_TEST(record.attachments == (std::vector<std::string>{"d-1"}),
             boost::test_tools::per_element());
  BOOST_TEST(record.sent_at.value_or("") == "2026-06-16T18:40:00.000Z");
  BOOST_TEST(record.reason.value_or("") == "recipient unknown");
}

BOOST_AUTO_TEST_CASE(status_mapping) {
  const std::pair<const char*, const char*> rows[] = {
      {"processing", "processing"},   {"completed", "completed"},     {"failed", "failed"},
      {"in-progress", "processing"},  {"preparation", "processing"},  {"not-done", "failed"},
      {"entered-in-error", "failed"}, {"something-new", "processing"}};
  for (const auto& [given, expected] : rows) {
    const std::string body = std::string(R"({"id":"x","status":")") + given + "\"}";
    BOOST_TEST_CONTEXT(given) {
      BOOST_TEST(parse_message_answer(body).value->status == expected);
    }
  }
  BOOST_TEST(parse_message_answer(R"({"id":"x"})").value->status == "processing");
}

BOOST_AUTO_TEST_CASE(message_answer_failures) {
  for (const char* body :
       {"", "not json", "[]", "{}", R"({"communication":{}})", R"({"communication":[]})",
        R"({"id":""})", R"({"id":1})", R"({"communication":{"id":""}})"}) {
    BOOST_TEST_CONTEXT(body) {
      const auto parsed = parse_message_answer(body);
      BOOST_TEST(!parsed.value.has_value());
      BOOST_TEST(!parsed.error.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(message_list) {
  const std::string body =
      std::string(
          R"({"meta":{"nextPage":"https://api.metriport.com/medical/v1/message?fromItem=3",)"
          R"("itemsOnPage":3,"itemsInTotal":14},"messages":[)") +
      kMessageAnswer + R"(,{"resourceType":"Communication","id":"c-1","status":"completed"},)" +
      R"({"status":"completed"},5,null]})";
  const auto parsed = parse_message_list(body);
  BOOST_REQUIRE(parsed.value.has_value());
  BOOST_TEST(parsed.value->messages.size() == 2u);
  BOOST_TEST(parsed.value->messages[0].id == "m-1");
  BOOST_TEST(parsed.value->messages[1].id == "c-1");
  BOOST_TEST(parsed.value->messages[1].status == "completed");
  BOOST_TEST(parsed.value->next_page.value_or("") ==
             "https://api.metriport.com/medical/v1/message?fromItem=3");
}

BOOST_AUTO_TEST_CASE(message_list_last_page_and_failures) {
  BOOST_TEST(!parse_message_list(R"({"meta":{"itemsOnPage":0},"messages":[]})")
                  .value->next_page.has_value());
  BOOST_TEST(!parse_message_list(R"({"meta":{"nextPage":null},"messages":[]})")
                  .value->next_page.has_value());
  BOOST_TEST(parse_message_list(R"({"messages":[]})").value.has_value());
  for (const char* body : {"", "[]", R"({"meta":{}})", R"({"messages":{}})"}) {
    BOOST_TEST_CONTEXT(body) {
      BOOST_TEST(!parse_message_list(body).value.has_value());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
