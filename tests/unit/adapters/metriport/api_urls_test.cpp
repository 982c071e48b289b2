// Tests for adapters/metriport/api_urls: paths under base_url, query values percent-encoded so
// '+', '&', '=', '#', '/', spaces and non-ASCII arrive intact, optional status.
#include "adapters/metriport/api_urls.hpp"

#include <boost/test/unit_test.hpp>

using namespace relay::metriport;

BOOST_AUTO_TEST_SUITE(metriport_api_urls)

BOOST_AUTO_TEST_CASE(paths) {
  const char* base = "https://api.metriport.com/medical/v1";
  BOOST_TEST(patient_by_external_id_url(base, "P-1") ==
             "https://api.metriport.com/medical/v1/patient/external-id?externalId=P-1");
  BOOST_TEST(document_upload_url(base, "u-1") ==
             "https://api.metriport.com/medical/v1/document/upload?patientId=u-1");
  BOOST_TEST(send_message_url(base, "u-1") ==
             "https://api.metriport.com/medical/v1/message?patientId=u-1");
  BOOST_TEST(message_url(base, "m-1") == "https://api.metriport.com/medical/v1/message/m-1");
}

BOOST_AUTO_TEST_CASE(trailing_slash_query_and_fragment_of_base_ignored) {
  BOOST_TEST(message_url("http://127.0.0.1:9/medical/v1/", "m") ==
             "http://127.0.0.1:9/medical/v1/message/m");
  BOOST_TEST(send_message_url("http://127.0.0.1:9/medical/v1?x=1#f", "p") ==
             "http://127.0.0.1:9/medical/v1/message?patientId=p");
}

BOOST_AUTO_TEST_CASE(values_are_encoded) {
  const char* base = "https://h/medical/v1";
  BOOST_TEST(
      patient_by_external_id_url(base, "a+b&c=d #/é~._-") ==
      "https://h/medical/v1/patient/external-id?externalId=a%2Bb%26c%3Dd%20%23%2F%C3%A9~._-");
  BOOST_TEST(message_url(base, "../x?y") == "https://h/medical/v1/message/..%2Fx%3Fy");
}

BOOST_AUTO_TEST_CASE(list_filter) {
  MessageListFilter filter;
  filter.patient_id = "p";
  filter.destination = "intake@cardio.direct.example.com";
  BOOST_TEST(message_list_url("https://h/medical/v1", filter) ==
             "https://h/medical/v1/message?patientId=p&direction=outbound&destination="
             "intake%40cardio.direct.example.com");
  filter.status = "completed";
  BOOST_TEST(message_list_url("https://h/medical/v1", filter).ends_with("&status=completed"));
}

BOOST_AUTO_TEST_SUITE_END()
