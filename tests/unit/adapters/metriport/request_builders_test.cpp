// Tests for adapters/metriport/request_builders: the send body omits empty optional keys (never
// "" or []), escapes text, and the DocumentReference carries every mandatory part.
#include "adapters/metriport/request_builders.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace relay::metriport;

BOOST_AUTO_TEST_SUITE(metriport_request_builders)

BOOST_AUTO_TEST_CASE(send_body_minimal) {
  SendRequest request;
  request.patient_id = "p";
  request.destination = "intake@cardio.direct.example.com";
  request.subject = "Referral";
  request.body = "Hello";
  BOOST_TEST(build_send_body(request) ==
             R"({"destination":"intake@cardio.direct.example.com","subject":"Referral",)"
             R"("body":"Hello"})");
}

BOOST_AUTO_TEST_CASE(send_body_omits_empty_keys) {
  SendRequest request;
  request.destination = std::string("d");
  request.subject = std::string("s");
  request.body.emplace();
  request.attachments = {"a1"};
  BOOST_TEST(build_send_body(request) ==
             R"({"destination":"d","subject":"s","attachments":["a1"]})");
  request.body.reset();
  request.attachments.clear();
  request.intended_recipient_npi = {"1234567893", "1"};
  BOOST_TEST(build_send_body(request) ==
             R"({"destination":"d","subject":"s","intendedRecipientNpi":["1234567893","1"]})");
}

BOOST_AUTO_TEST_CASE(send_body_full_and_escaped) {
  SendRequest request;
  request.destination = std::string("d");
  request.subject = "Quote \" and \\ and \n";
  request.body = "Body é";
  request.attachments = {"a1", "a2"};
  request.intended_recipient_npi = {"n"};
  const auto parsed = boost::json::parse(build_send_body(request)).as_object();
  BOOST_TEST(parsed.size() == 5u);
  BOOST_TEST(parsed.at("subject").as_string() == "Quote \" and \\ and \n");
  BOOST_TEST(parsed.at("body").as_string() == "Body é");
  BOOST_TEST(parsed.at("attachments").as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(document_reference_body) {
  DocumentReferenceRequest request;
  request.file_name = "referral.pdf";
  request.content_type = "application/pdf";
  request.size = 12345;
  request.description = "referral.pdf";
  const auto now = std::chrono::sys_days{std::chrono::year{2026} / 6 / 16} +
                   std::chrono::hours{18} + std::chrono::minutes{40} + std::chrono::milliseconds{7};
  BOOST_TEST(build_document_reference_body(request, now) ==
             R"({"resourceType":"DocumentReference","status":"current",)"
             R"("description":"referral.pdf","type":{"text":"Secure message attachment"},)"
             R"("context":{"period":{"start":"2026-06-16T18:40:00.007Z"}},)"
             R"("content":[{"attachment":{"contentType":"application/pdf","title":"referral.pdf",)"
             R"("fileName":"referral.pdf","size":12345}}]})");
}

BOOST_AUTO_TEST_CASE(iso_format) {
  BOOST_TEST(format_iso_utc(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_SUITE_END()
