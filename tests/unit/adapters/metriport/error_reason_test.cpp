// Tests for adapters/metriport/error_reason: reasons from Metriport's error JSON, gateway
// {"message"}, S3 XML and plain text; bounded to 200 bytes on a UTF-8 boundary; expiry detection.
#include "adapters/metriport/error_reason.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using relay::metriport::bounded_reason;
using relay::metriport::describe_error_answer;
using relay::metriport::is_expired_upload_answer;

BOOST_AUTO_TEST_SUITE(metriport_error_reason)

BOOST_AUTO_TEST_CASE(metriport_error_json) {
  BOOST_TEST(describe_error_answer(
                 400, R"({"status":400,"name":"BadRequestError","title":"Missing or invalid )"
                      R"(parameters","detail":"subject: at most 255 characters"})") ==
             "HTTP 400 Missing or invalid parameters: subject: at most 255 characters");
  BOOST_TEST(describe_error_answer(404, R"({"status":404,"name":"NotFoundError"})") ==
             "HTTP 404 NotFoundError");
  BOOST_TEST(describe_error_answer(404, R"({"detail":"Patient not found"})") ==
             "HTTP 404: Patient not found");
  BOOST_TEST(describe_error_answer(502, R"({"message":"Internal server error"})") ==
             "HTTP 502: Internal server error");
}

BOOST_AUTO_TEST_CASE(other_bodies_give_the_status_text) {
  BOOST_TEST(describe_error_answer(429, "Too many requests, please try again later.") ==
             "HTTP 429 Too Many Requests");
  BOOST_TEST(describe_error_answer(503, "") == "HTTP 503 Service Unavailable");
  BOOST_TEST(describe_error_answer(500, "{not json") == "HTTP 500 Internal Server Error");
  BOOST_TEST(describe_error_answer(400, R"({"title":5,"detail":["x"]})") == "HTTP 400 Bad Request");
  BOOST_TEST(describe_error_answer(570, "") == "HTTP 570");
}

BOOST_AUTO_TEST_CASE(s3_xml_error) {
  const std::string xml =
      "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has "
      "expired</Message><RequestId>X</RequestId></Error>";
  BOOST_TEST(describe_error_answer(403, xml) == "HTTP 403 AccessDenied: Request has expired");
  BOOST_TEST(is_expired_upload_answer(403, xml));
  BOOST_TEST(is_expired_upload_answer(400, "<Error><Code>ExpiredToken</Code></Error>"));
  BOOST_TEST(!is_expired_upload_answer(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>"));
  BOOST_TEST(!is_expired_upload_answer(500, xml));
}

BOOST_AUTO_TEST_CASE(bounded_and_clean) {
  const std::string detail(500, 'd');
  const std::string reason =
      describe_error_answer(400, R"({"title":"T","detail":")" + detail + R"("})");
  BOOST_TEST(reason.size() == 200u);
  BOOST_TEST(reason.starts_with("HTTP 400 T: ddd"));
  BOOST_TEST(bounded_reason("a\nb\tc\x7f") == "a b c ");
  // "é" is two bytes: a cut through it steps back to the boundary.
  const std::string accents = std::string(199, 'a') + "\xC3\xA9";
  BOOST_TEST(bounded_reason(accents).size() == 199u);
  BOOST_TEST(bounded_reason(accents, 201) == accents);
}

BOOST_AUTO_TEST_SUITE_END()
