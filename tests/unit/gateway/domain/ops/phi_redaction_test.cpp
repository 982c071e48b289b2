// Unit tests for what viewers see of PHI-bearing values: masked patient ids and last errors cut to
// the gateway's own words, for every kind of reason the relay stores.
#include <boost/test/unit_test.hpp>

#include "gateway/domain/ops/phi_redaction.hpp"

using namespace relay::domain::ops;

namespace {
const std::string bullets = "\u2022\u2022\u2022";

std::string summary(const std::string& error) {
  return error_summary(error).value();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(phi_redaction)

BOOST_AUTO_TEST_CASE(masks_to_the_last_four_and_never_more_than_half) {
  BOOST_TEST(mask_external_id("PAT-00012345") == bullets + "2345");
  BOOST_TEST(mask_external_id("12345678") == bullets + "5678");
  BOOST_TEST(mask_external_id("1234") == bullets + "34");
  BOOST_TEST(mask_external_id("P1") == bullets + "1");
  BOOST_TEST(mask_external_id("P") == bullets);
  BOOST_TEST(mask_external_id("") == bullets);
  BOOST_TEST(mask_external_id("\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9X") ==
             bullets + "\u00e9\u00e9\u00e9X");                  // characters, not bytes
  BOOST_TEST(mask_external_id("\xff\xfe\xfd\xfc") == bullets);  // not UTF-8: nothing shown
}

BOOST_AUTO_TEST_CASE(no_error_is_no_summary) {
  BOOST_TEST(!error_summary(std::nullopt).has_value());
  BOOST_TEST(!error_summary(std::string()).has_value());
}

BOOST_AUTO_TEST_CASE(metriport_answers_keep_the_step_and_status_only) {
  BOOST_TEST(summary("send: HTTP 400 Missing or invalid parameters: subject: John Smith's labs") ==
             "send: HTTP 400: (details withheld)");
  BOOST_TEST(summary("attempts exhausted: send: HTTP 503") == "attempts exhausted: send: HTTP 503");
  BOOST_TEST(summary("patient lookup: HTTP 500: Internal server error") ==
             "patient lookup: HTTP 500: (details withheld)");
  BOOST_TEST(summary("upload: HTTP 403 AccessDenied: Request has expired") ==
             "upload: HTTP 403: (details withheld)");
}

BOOST_AUTO_TEST_CASE(transport_failures_keep_the_stage) {
  BOOST_TEST(
      summary("attempts exhausted: send: reading the answer timed out (reused connection)") ==
      "attempts exhausted: send: reading the answer timed out (reused connection)");
  BOOST_TEST(summary("document reference: connect failed: Connection refused") ==
             "document reference: connect failed: (details withheld)");
  BOOST_TEST(summary("send: reading the answer: answer too large") ==
             "send: reading the answer: answer too large");
}

BOOST_AUTO_TEST_CASE(the_gateways_own_reasons_are_shown_whole) {
  for (const std::string reason :
       {"patient not found in Metriport: no patient has this portal ExternalId",
        "lease expired: the instance relaying it stopped or stalled",
        "internal error while relaying (see the gateway log)",
        "the message has neither body nor attachments", "Metriport reported the delivery failed"}) {
    BOOST_TEST(summary(reason) == reason);
  }
}

BOOST_AUTO_TEST_CASE(free_text_is_withheld) {
  // A failed webhook's reason is Metriport's free text; it may quote the message.
  BOOST_TEST(summary("Recipient mailbox rejected message for Jane Doe") == "(details withheld)");
  BOOST_TEST(summary("HTTPS 400") == "(details withheld)");
  BOOST_TEST(summary("send: HTTP 40x") == "send: (details withheld)");
}

BOOST_AUTO_TEST_SUITE_END()
