// Tests of the messageSendBodySchema mirror: every rule, zod's messages and order, UTF-16 lengths
// after Metriport's normalisation, unknown keys and the uuid format.
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

#include "gateway/domain/metriport_text.hpp"
#include "tests/simulator/send_validation.hpp"

namespace {
using relay::sim::validate_send_body;

relay::sim::SendValidation check(const std::string& json) {
  return validate_send_body(boost::json::parse(json));
}

std::string detail(const std::string& json) {
  return check(json).detail();
}

std::string repeat(const std::string& unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

const std::string uuid = "5368b3ef-0e63-4e1d-b8cc-15ba14e64ad1";
}  // namespace

BOOST_AUTO_TEST_SUITE(simulator_send_validation)

BOOST_AUTO_TEST_CASE(accepts_minimal_bodies) {
  auto with_body = check(R"({"destination":"a@b.org","subject":"Hi","body":"text"})");
  BOOST_REQUIRE(with_body.body);
  BOOST_TEST(with_body.body->destination == "a@b.org");
  BOOST_TEST(*with_body.body->body == "text");
  BOOST_TEST(!with_body.body->attachments);
  auto with_attachment =
      check(R"({"destination":"1.2.3","subject":"Hi","attachments":[")" + uuid + R"("]})");
  BOOST_REQUIRE(with_attachment.body);
  BOOST_TEST(with_attachment.body->attachments->size() == 1u);
}

BOOST_AUTO_TEST_CASE(requires_destination_and_subject) {
  BOOST_TEST(detail(R"({"body":"x"})") == "destination: Required; subject: Required");
}

BOOST_AUTO_TEST_CASE(reports_wrong_types_like_zod_and_skips_the_refine) {
  BOOST_TEST(detail(R"({"destination":5,"subject":null,"body":true})") ==
             "destination: Expected string, received number; subject: Expected string, "
             "received null; body: Expected string, received boolean");
  BOOST_TEST(detail(R"([1])") == "Expected object, received array");
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","attachments":"x"})") ==
             "attachments: Expected array, received string");
}

BOOST_AUTO_TEST_CASE(body_or_attachments_is_required) {
  BOOST_TEST(detail(R"({"destination":"d","subject":"s"})") ==
             "At least one of body or attachments is required");
}

BOOST_AUTO_TEST_CASE(destination_length_1_to_255) {
  BOOST_TEST(detail(R"({"destination":"","subject":"s","body":"b"})") ==
             "destination: String must contain at least 1 character(s)");
  BOOST_TEST(check(R"({"destination":")" + repeat("d", 255) + R"(","subject":"s","body":"b"})")
                 .issues.empty());
  BOOST_TEST(detail(R"({"destination":")" + repeat("d", 256) + R"(","subject":"s","body":"b"})") ==
             "destination: String must contain at most 255 character(s)");
}

BOOST_AUTO_TEST_CASE(subject_length_counts_utf16_units_after_normalisation) {
  // U+1F600 is two UTF-16 units: 127 of them plus one "a" is 255 units.
  const std::string emoji = "\xF0\x9F\x98\x80";
  BOOST_TEST(check(R"({"destination":"d","subject":")" + repeat(emoji, 127) + R"(a","body":"b"})")
                 .issues.empty());
  BOOST_TEST(detail(R"({"destination":"d","subject":")" + repeat(emoji, 128) +
                    R"(","body":"b"})") == "subject: String must contain at most 255 character(s)");
  // "é" (two UTF-8 bytes) is one unit: 255 fit.
  BOOST_TEST(
      check(R"({"destination":"d","subject":")" + repeat("\xC3\xA9", 255) + R"(","body":"b"})")
          .issues.empty());
  // Trailing spaces and control characters are removed before the length check.
  BOOST_TEST(
      check(R"({"destination":"d","subject":")" + repeat("s", 255) + R"(   \u0001","body":"b"})")
          .issues.empty());
  BOOST_TEST(detail(R"({"destination":"d","subject":" \u0000\t ","body":"b"})") ==
             "subject: String must contain at least 1 character(s)");
  auto normalised = check(R"({"destination":"d","subject":"  a\u0007b  ","body":" x\u007f "})");
  BOOST_REQUIRE(normalised.body);
  BOOST_TEST(normalised.body->subject == "ab");
  BOOST_TEST(*normalised.body->body == "x");
}

BOOST_AUTO_TEST_CASE(body_length_1_to_5000) {
  BOOST_TEST(check(R"({"destination":"d","subject":"s","body":")" + repeat("b", 5000) + R"("})")
                 .issues.empty());
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","body":")" + repeat("b", 5001) + R"("})") ==
             "body: String must contain at most 5000 character(s)");
  // An empty body is a length issue, and the refine still runs (zod: dirty, not aborted).
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","body":"  "})") ==
             "body: String must contain at least 1 character(s)");
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","body":"\n\r\t"})") ==
             "body: String must contain at least 1 character(s)");
}

BOOST_AUTO_TEST_CASE(attachments_are_1_to_5_uuids) {
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","attachments":[]})") ==
             "attachments: Array must contain at least 1 element(s)");
  std::string six = "[";
  for (int i = 0; i < 6; ++i) six += std::string(i ? "," : "") + "\"" + uuid + "\"";
  six += "]";
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","attachments":)" + six + "}") ==
             "attachments: Array must contain at most 5 element(s)");
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","attachments":["not-a-uuid",")" + uuid +
                    R"("]})") == "attachments.0: Invalid uuid");
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","attachments":[1]})") ==
             "attachments.0: Expected string, received number");
}

BOOST_AUTO_TEST_CASE(uuid_format_matches_zod) {
  BOOST_TEST(relay::sim::is_zod_uuid(uuid));
  BOOST_TEST(relay::sim::is_zod_uuid("5368B3EF-0E63-4E1D-B8CC-15BA14E64AD1"));
  BOOST_TEST(relay::sim::is_zod_uuid("00000000-0000-0000-0000-000000000000"));  // any version
  BOOST_TEST(!relay::sim::is_zod_uuid("5368b3ef0e634e1db8cc15ba14e64ad1"));
  BOOST_TEST(!relay::sim::is_zod_uuid("5368b3ef-0e63-4e1d-b8cc-15ba14e64ad"));
  BOOST_TEST(!relay::sim::is_zod_uuid("5368b3ef-0e63-4e1d-b8cc-15ba14e64adg"));
  BOOST_TEST(!relay::sim::is_zod_uuid("{5368b3ef-0e63-4e1d-b8cc-15ba14e64ad1}"));
}

BOOST_AUTO_TEST_CASE(intended_recipient_npi_is_1_to_10_non_empty_strings) {
  BOOST_TEST(check(R"({"destination":"d","subject":"s","body":"b","intendedRecipientNpi":["1"]})")
                 .issues.empty());
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","body":"b","intendedRecipientNpi":[]})") ==
             "intendedRecipientNpi: Array must contain at least 1 element(s)");
  std::string eleven = "[";
  for (int i = 0; i < 11; ++i) eleven += std::string(i ? "," : "") + "\"1\"";
  eleven += "]";
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","body":"b","intendedRecipientNpi":)" +
                    eleven + "}") ==
             "intendedRecipientNpi: Array must contain at most 10 element(s)");
  BOOST_TEST(
      detail(R"({"destination":"d","subject":"s","body":"b","intendedRecipientNpi":["1",""]})") ==
      "intendedRecipientNpi.1: String must contain at least 1 character(s)");
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_rejected) {
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","body":"b","Body":"x","cc":[]})") ==
             "Unrecognized key(s) in object: 'Body', 'cc'");
  // Unknown keys do not abort: the refine still reports the missing body.
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","x":1})") ==
             "Unrecognized key(s) in object: 'x'; At least one of body or attachments is required");
}

BOOST_AUTO_TEST_CASE(null_optional_keys_are_type_errors) {
  BOOST_TEST(detail(R"({"destination":"d","subject":"s","body":"b","attachments":null})") ==
             "attachments: Expected array, received null");
}

BOOST_AUTO_TEST_CASE(duplicate_keys_keep_the_last_value_like_json_parse) {
  auto result = check(R"({"destination":"d","subject":"","subject":"s","body":"b"})");
  BOOST_REQUIRE(result.body);
  BOOST_TEST(result.body->subject == "s");
}

BOOST_AUTO_TEST_CASE(normalisation_matches_metriport) {
  using relay::domain::normalise_like_metriport;
  BOOST_TEST(normalise_like_metriport(std::string("  hello\0world  ", 15)) == "helloworld");
  BOOST_TEST(normalise_like_metriport("\xE2\x80\xA8 a\tb \xEF\xBB\xBF") == "a\tb");
  BOOST_TEST(normalise_like_metriport("\x1b[1mx\x7f") == "[1mx");
  BOOST_TEST(normalise_like_metriport("\xC2\x85x") == "\xC2\x85x");  // NEL is not JS white space
}

BOOST_AUTO_TEST_SUITE_END()
