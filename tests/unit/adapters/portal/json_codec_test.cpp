// Unit tests of the portal JSON codec: every shared sample, the leniencies real clients rely on,
// strict type errors (each naming its field, never echoing values), limits, and the encoders.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "adapters/portal/json_codec.hpp"
#include "codec_test_support.hpp"

namespace relay::portal {
namespace {

using codec_test::contains;
using codec_test::read_sample;
using domain::ErrorKind;

constexpr codec_test::DecodeOk<decode_json> decode_ok;
constexpr codec_test::DecodeError<decode_json> decode_error;

}  // namespace

BOOST_AUTO_TEST_SUITE(portal_json_codec)

BOOST_AUTO_TEST_CASE(decodes_help_page_sample) {
  const auto m = decode_ok(read_sample("message.json"));
  BOOST_TEST(*m.from_secure_recipient_external_id == "DR-100");
  BOOST_TEST(*m.from_secure_recipient_name == "Dr. Ana Ruiz");
  BOOST_REQUIRE(m.patients);
  BOOST_REQUIRE_EQUAL(m.patients->size(), 2u);
  BOOST_TEST(*(*m.patients)[0].external_id == "PAT-4711");
  BOOST_TEST(*(*m.patients)[0].is_representative == false);
  BOOST_TEST(*(*m.patients)[0].representative_external_id == "");
  BOOST_TEST(*(*m.patients)[1].is_representative == true);
  BOOST_TEST(*(*m.patients)[1].representative_external_id == "REP-88");
  BOOST_TEST(*m.subject == "Referral - cardiology");
  BOOST_TEST(*m.status == "Sent");
  BOOST_TEST(*m.priority == "High");
  BOOST_REQUIRE(m.file_data);
  BOOST_REQUIRE_EQUAL(m.file_data->size(), 1u);
  BOOST_TEST(*(*m.file_data)[0].file_name == "referral.pdf");
  BOOST_TEST((*m.file_data)[0].file_data->substr(0, 8) == "JVBERi0x");
  BOOST_TEST(*m.id == "");
  BOOST_TEST(*m.external_id == "MSG-0001");
  BOOST_TEST(!m.creation_date);
  BOOST_TEST(!m.sent_date);
}

BOOST_AUTO_TEST_CASE(decodes_integrator_sample_with_numbers_lower_case_and_bad_dates) {
  const auto m = decode_ok(read_sample("message-integrator.json"));
  BOOST_TEST(*m.from_secure_recipient_external_id == "12");
  BOOST_TEST(*m.external_id == "5501");
  BOOST_TEST(*m.status == "sent");  // kept as sent; enum matching is the validator's job
  BOOST_TEST(*m.creation_date == "2024-03-05T014:22:10");
  BOOST_TEST(*m.sent_date == "2024-03-05T014:22:10");
  BOOST_TEST(*m.id == "");
  BOOST_REQUIRE(m.file_data);
  BOOST_TEST(m.file_data->empty());
  BOOST_TEST(*(*m.patients)[0].is_representative == true);
}

BOOST_AUTO_TEST_CASE(decodes_pascal_case_sample) {
  const auto m = decode_ok(read_sample("message-pascal.json"));
  BOOST_TEST(*m.from_secure_recipient_external_id == "DR-100");
  BOOST_TEST(*m.external_id == "MSG-0002");
  BOOST_TEST(*m.subject == "Lab results");
  BOOST_REQUIRE(m.patients);
  BOOST_TEST(!(*m.patients)[0].representative_external_id);  // null
  BOOST_TEST(*(*m.patients)[0].is_representative == false);
  BOOST_TEST(m.file_data->empty());
  BOOST_TEST(!m.id);
}

BOOST_AUTO_TEST_CASE(decodes_draft_sample) {
  const auto m = decode_ok(read_sample("message-draft.json"));
  BOOST_TEST(*m.status == "Draft");
  BOOST_TEST(*m.priority == "Low");
  BOOST_TEST(!m.file_data);
  BOOST_TEST(!m.from_secure_recipient_name);
}

BOOST_AUTO_TEST_CASE(property_names_match_case_insensitively) {
  const auto camel =
      decode_ok(R"({"subject":"s","externalId":"e","patients":[{"externalId":"p"}]})");
  const auto pascal =
      decode_ok(R"({"Subject":"s","ExternalId":"e","Patients":[{"ExternalId":"p"}]})");
  const auto shouting =
      decode_ok(R"({"SUBJECT":"s","EXTERNALID":"e","PATIENTS":[{"EXTERNALID":"p"}]})");
  BOOST_TEST((camel == pascal));
  BOOST_TEST((camel == shouting));
  BOOST_TEST(*camel.subject == "s");
}

BOOST_AUTO_TEST_CASE(integer_ids_become_decimal_strings) {
  const auto m =
      decode_ok(R"({"externalId":-42,"fromSecureRecipientExternalId":18446744073709551615,)"
                R"("patients":[{"externalId":0,"representativeExternalId":9223372036854775807}],)"
                R"("fileData":[{"fileName":7,"fileData":8}]})");
  BOOST_TEST(*m.external_id == "-42");
  BOOST_TEST(*m.from_secure_recipient_external_id == "18446744073709551615");
  BOOST_TEST(*(*m.patients)[0].external_id == "0");
  BOOST_TEST(*(*m.patients)[0].representative_external_id == "9223372036854775807");
  BOOST_TEST(*(*m.file_data)[0].file_name == "7");
}

BOOST_AUTO_TEST_CASE(nulls_become_nullopt) {
  const auto m = decode_ok(
      R"({"subject":null,"body":null,"patients":null,"fileData":null,"id":null,"externalId":null})");
  BOOST_TEST(!m.subject);
  BOOST_TEST(!m.body);
  BOOST_TEST(!m.patients);
  BOOST_TEST(!m.file_data);
  BOOST_TEST(!m.id);
  const auto p = decode_ok(
      R"({"patients":[{"externalId":null,"isRepresentative":null,"representativeExternalId":null}]})");
  BOOST_TEST(((*p.patients)[0] == PatientRecipientModel{}));
}

BOOST_AUTO_TEST_CASE(empty_arrays_and_empty_strings_are_kept) {
  const auto m = decode_ok(R"({"patients":[],"fileData":[],"id":"","subject":""})");
  BOOST_TEST(m.patients->empty());
  BOOST_TEST(m.file_data->empty());
  BOOST_TEST(*m.id == "");
  BOOST_TEST(*m.subject == "");
}

BOOST_AUTO_TEST_CASE(read_only_fields_are_never_rejected) {
  const auto m = decode_ok(
      R"({"creationDate":"2024-03-05T014:22:10","sentDate":12.5,"id":{"x":[1,{"y":true}]},)"
      R"("externalId":"e"})");
  BOOST_TEST(*m.creation_date == "2024-03-05T014:22:10");
  BOOST_TEST(!m.sent_date);
  BOOST_TEST(!m.id);
  BOOST_TEST(*m.external_id == "e");
  const auto twice = decode_ok(R"({"id":"a","Id":"b","sentDate":"x","sentDate":[],"id":false})");
  BOOST_TEST(*twice.id == "b");
  BOOST_TEST(*twice.sent_date == "x");
  BOOST_TEST(!decode_ok(R"({"creationDate":true})").creation_date);
}

BOOST_AUTO_TEST_CASE(enum_values_are_kept_as_sent) {
  const auto m = decode_ok(R"({"status":"sent","priority":"hIGH"})");
  BOOST_TEST(*m.status == "sent");
  BOOST_TEST(*m.priority == "hIGH");
}

BOOST_AUTO_TEST_CASE(is_representative_accepts_bools_and_their_strings) {
  auto value = [](std::string_view json) {
    return (*decode_ok(std::string(R"({"patients":[{"isRepresentative":)") + std::string(json) +
                       "}]}")
                 .patients)[0]
        .is_representative;
  };
  BOOST_TEST(*value("true") == true);
  BOOST_TEST(*value("false") == false);
  BOOST_TEST(*value(R"("TRUE")") == true);
  BOOST_TEST(*value(R"("False")") == false);
  BOOST_TEST(!value("null"));
  const auto bad_string = decode_error(R"({"patients":[{"isRepresentative":"yes-SECRET"}]})");
  BOOST_TEST(bad_string.field == "model.Patients[0].IsRepresentative");
  BOOST_TEST(!contains(bad_string.message, "SECRET"));
  BOOST_TEST(!contains(bad_string.message, "yes"));
  const auto number = decode_error(R"({"patients":[{},{"isRepresentative":1}]})");
  BOOST_TEST(number.field == "model.Patients[1].IsRepresentative");
  BOOST_TEST(contains(number.message, "JSON number"));
}

BOOST_AUTO_TEST_CASE(unknown_properties_are_ignored_whatever_they_hold) {
  const auto m = decode_ok(
      R"({"unknown":{"subject":"inner","subject":[1,2,{"a":null}]},"other":[[[]]],)"
      R"("x":1.5,"y":true,"z":null,"subject":"outer","patients":[{"extra":{"externalId":1},)"
      R"("externalId":"p"}],"aVeryLongPropertyNameThatIsLongerThanAnyKnownOneForSure":"v"})");
  BOOST_TEST(*m.subject == "outer");
  BOOST_TEST(*(*m.patients)[0].external_id == "p");
}

BOOST_AUTO_TEST_CASE(escapes_and_bom_are_decoded) {
  const auto m = decode_ok(
      "\xEF\xBB\xBF{\"subject\":\"a\\\"b\\\\c\\/"
      "d\\u00e9\\ud83d\\ude00\\n\",\"body\":\"x\\u0000y\"}");
  BOOST_TEST(*m.subject == "a\"b\\c/d\xC3\xA9\xF0\x9F\x98\x80\n");
  BOOST_TEST(*m.body == std::string("x\0y", 3));
  const auto key = decode_ok(R"({"sub\u006aect":"k"})");
  BOOST_TEST(*key.subject == "k");
}

BOOST_AUTO_TEST_CASE(duplicate_property_is_rejected_by_name) {
  const auto root = decode_error(R"({"subject":"a","Subject":"b"})");
  BOOST_TEST(root.field == "model.Subject");
  BOOST_TEST(contains(root.message, "more than once"));
  BOOST_TEST(decode_error(R"({"subject":"a","subject":"a"})").field == "model.Subject");
  BOOST_TEST(decode_error(R"({"patients":[{"externalId":"a","EXTERNALID":"b"}]})").field ==
             "model.Patients[0].ExternalId");
  BOOST_TEST(decode_error(R"({"fileData":[{},{"fileName":"a","FileName":null}]})").field ==
             "model.FileData[1].FileName");
  BOOST_TEST(decode_error(R"({"patients":[],"Patients":null})").field == "model.Patients");
}

BOOST_AUTO_TEST_CASE(wrong_types_name_the_field_and_json_type) {
  struct Case {
    const char* body;
    const char* field;
    const char* type;
  };
  const Case cases[] = {
      {R"({"subject":true})", "model.Subject", "JSON boolean"},
      {R"({"body":["SECRET"]})", "model.Body", "JSON array"},
      {R"({"externalId":{"a":"SECRET"}})", "model.ExternalId", "JSON object"},
      {R"({"patients":"SECRET"})", "model.Patients", "JSON string"},
      {R"({"patients":{}})", "model.Patients", "JSON object"},
      {R"({"fileData":7})", "model.FileData", "JSON number"},
      {R"({"patients":[1]})", "model.Patients[0]", "JSON number"},
      {R"({"patients":[{},{},"SECRET"]})", "model.Patients[2]", "JSON string"},
      {R"({"patients":[null]})", "model.Patients[0]", "JSON null"},
      {R"({"fileData":[[]]})", "model.FileData[0]", "JSON array"},
      {R"({"fileData":[{"fileName":false}]})", "model.FileData[0].FileName", "JSON boolean"},
      {R"({"fileData":[{},{"fileData":{}}]})", "model.FileData[1].FileData", "JSON object"},
      {R"({"patients":[{"externalId":[]}]})", "model.Patients[0].ExternalId", "JSON array"},
      {R"({"patients":[{"isRepresentative":{}}]})", "model.Patients[0].IsRepresentative",
       "JSON object"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.body) {
      const auto error = decode_error(c.body);
      BOOST_TEST(error.field == c.field);
      BOOST_TEST(contains(error.message, c.type), error.message);
      BOOST_TEST(!contains(error.message, "SECRET"));
    }
  }
}

BOOST_AUTO_TEST_CASE(fractions_and_huge_numbers_are_rejected_for_strings) {
  for (const char* number :
       {"123456789012345678901234567890", "1e400", "1.5", "-0.0", "5e2", "-9223372036854775809"}) {
    BOOST_TEST_CONTEXT(number) {
      const auto error = decode_error(std::string(R"({"externalId":)") + number + "}");
      BOOST_TEST(error.field == "model.ExternalId");
      BOOST_TEST(contains(error.message, "must be a string or a whole number"));
      BOOST_TEST(!contains(error.message, number));
    }
  }
  BOOST_TEST(decode_error(R"({"patients":[{"externalId":1e400}]})").field ==
             "model.Patients[0].ExternalId");
}

BOOST_AUTO_TEST_CASE(root_must_be_an_object) {
  for (const char* body : {"[]", "\"x\"", "1", "1.5", "true", "null"}) {
    BOOST_TEST_CONTEXT(body) {
      const auto error = decode_error(body);
      BOOST_TEST(error.field == "model");
      BOOST_TEST(contains(error.message, "must be a JSON object"));
    }
  }
}

BOOST_AUTO_TEST_CASE(malformed_json_reports_position_not_content) {
  const auto error = decode_error(R"({"subject": "SECRET", })");
  BOOST_TEST(error.field == "model");
  BOOST_TEST(contains(error.message, "Malformed JSON at byte 22"), error.message);
  BOOST_TEST(!contains(error.message, "SECRET"));
  BOOST_TEST(contains(decode_error(R"({"subject": "SECRET)").message, "Malformed JSON at byte"));
  BOOST_TEST(contains(decode_error("").message, "Malformed JSON at byte 0"));
  BOOST_TEST(contains(decode_error("{} x").message, "Malformed JSON at byte 3"));
  BOOST_TEST(contains(decode_error("{}{}").message, "Malformed JSON"));
  BOOST_TEST(contains(decode_error("{/*c*/}").message, "Malformed JSON"));
  BOOST_TEST(contains(decode_error(R"({"a":1,})").message, "Malformed JSON"));
  BOOST_TEST(!decode_ok(" {} \n").subject);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_rejected) {
  for (std::string body :
       {std::string("{\"subject\":\"\xFF\"}"), std::string("{\"\xC0\xAF\":1}"),
        std::string("{\"subject\":\"\xED\xA0\x80\"}"), std::string("{\"subject\":\"\xE2\x82\"}")}) {
    const auto error = decode_error(body);
    BOOST_TEST(error.field == "model");
    BOOST_TEST(contains(error.message, "UTF-8"), error.message);
  }
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_rejected_without_crashing) {
  for (std::size_t depth : {33u, 1000u, 200000u}) {
    const std::string nested = "{\"x\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
    const auto error = decode_error(nested);
    BOOST_TEST(error.field == "model");
    BOOST_TEST(contains(error.message, "nested deeper than the limit of 32"), error.message);
    BOOST_TEST(decode_error(std::string(depth, '[')).field == "model");
  }
  // 31 levels inside the root object: the whole document is 32 deep, exactly the limit.
  const std::string at_limit = "{\"x\":" + std::string(31, '[') + std::string(31, ']') + "}";
  BOOST_TEST(!decode_ok(at_limit).subject);
}

BOOST_AUTO_TEST_CASE(too_many_array_items_names_the_limit) {
  DecodeLimits limits;
  limits.max_array_items = 3;
  BOOST_TEST(decode_ok(R"({"patients":[{},{},{}]})", limits).patients->size() == 3u);
  const auto error = decode_error(R"({"patients":[{},{},{},{}]})", limits);
  BOOST_TEST(error.field == "model.Patients");
  BOOST_TEST(contains(error.message, "limit of 3 items"));
  BOOST_TEST(decode_error(R"({"fileData":[{},{},{},{}]})", limits).field == "model.FileData");
  // Unknown arrays are not items: no limit applies to them beyond the body size.
  BOOST_TEST(!decode_ok(R"({"other":[1,2,3,4,5,6]})", limits).patients);
}

BOOST_AUTO_TEST_CASE(body_over_the_size_limit_is_payload_too_large) {
  DecodeLimits limits;
  limits.max_bytes = 16;
  BOOST_TEST(!!decode_json(R"({"subject":"ab"})", limits));  // exactly 16 bytes
  const auto decoded = decode_json(R"({"subject":"abc"})", limits);
  BOOST_REQUIRE(!decoded);
  BOOST_TEST((decoded.error().kind == ErrorKind::payload_too_large));
  BOOST_TEST(contains(decoded.error().message, "16 bytes"));
}

BOOST_AUTO_TEST_CASE(encodes_in_help_page_order_with_nulls) {
  OutgoingSecureMessageModel m;
  m.external_id = "E";
  m.patients = std::vector<PatientRecipientModel>{{"P", std::nullopt, ""}};
  m.file_data = std::vector<FileAttachmentModel>{};
  m.subject = "q\"\\\n\x01/";
  BOOST_TEST(
      encode_json(m) ==
      R"({"fromSecureRecipientExternalId":null,"fromSecureRecipientName":null,)"
      R"("patients":[{"externalId":"P","isRepresentative":false,"representativeExternalId":""}],)"
      R"("subject":"q\"\\\n\u0001/","body":null,"status":null,"priority":null,)"
      R"("creationDate":null,"sentDate":null,"fileData":[],"id":null,"externalId":"E"})");
  OutgoingSecureMessageModel empty;
  BOOST_TEST(contains(encode_json(empty), R"("patients":null)"));
  BOOST_TEST(contains(encode_json(empty), R"("fileData":null)"));
}

BOOST_AUTO_TEST_CASE(encode_then_decode_round_trips) {
  for (const char* name :
       {"message.json", "message-integrator.json", "message-pascal.json", "message-draft.json"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto first = decode_ok(read_sample(name));
      const auto again = decode_ok(encode_json(first));
      BOOST_TEST((again == first));
    }
  }
  OutgoingSecureMessageModel m;
  m.subject = std::string("nul\0, tab\t, cr\r, \xF0\x9F\x98\x80, \x7F, </script>", 40);
  m.body = "";
  m.patients = std::vector<PatientRecipientModel>{{"a", true, std::nullopt}, {"b", false, "r"}};
  m.file_data = std::vector<FileAttachmentModel>{{"f.txt", "QUJD"}, {std::nullopt, std::nullopt}};
  BOOST_TEST((decode_ok(encode_json(m)) == m));
}

BOOST_AUTO_TEST_CASE(encodes_paged_list) {
  PagedList page;
  page.total_items = 11;
  page.items_per_page = 10;
  page.current_page = 2;
  page.total_pages = 2;
  page.first_row_on_page = 11;
  page.last_row_on_page = 11;
  OutgoingSecureMessageModel row;
  row.external_id = "E";
  page.rows = {row};
  const std::string json = encode_json(page);
  BOOST_TEST(json.rfind(R"({"totalItems":11,"itemsPerPage":10,"currentPage":2,"totalPages":2,)"
                        R"("firstRowOnPage":11,"lastRowOnPage":11,"rows":[{"fromSecure)",
                        0) == 0u);
  BOOST_TEST(json.substr(json.size() - 19) == R"("externalId":"E"}]})");
  BOOST_TEST(encode_json(PagedList{}) ==
             R"({"totalItems":0,"itemsPerPage":10,"currentPage":1,"totalPages":0,)"
             R"("firstRowOnPage":0,"lastRowOnPage":0,"rows":[]})");
}

BOOST_AUTO_TEST_CASE(error_body_groups_messages_by_field) {
  domain::RequestError error;
  error.fields = {{"model.Subject", "The Subject field is required."},
                  {"model.Patients[0].ExternalId", "Bad \"id\"."},
                  {"model.Subject", "Second."}};
  BOOST_TEST(encode_error_json(error) ==
             R"({"message":"The request is invalid.","modelState":{"model.Subject":)"
             R"(["The Subject field is required.","Second."],)"
             R"("model.Patients[0].ExternalId":["Bad \"id\"."]}})");
  BOOST_TEST(encode_error_json(domain::RequestError::plain(
                 ErrorKind::payload_too_large, "Too big.")) == R"({"message":"Too big."})");
}

BOOST_AUTO_TEST_CASE(decodes_32_mib_of_attachments_quickly) {
  const std::size_t base64_size = 32 * 1024 * 1024 - 4096;
  std::string body = R"({"externalId":"E","fileData":[{"fileName":"big.bin","fileData":")";
  body.append(base64_size, 'A');
  body += "\"}]}";
  BOOST_REQUIRE(body.size() <= DecodeLimits{}.max_bytes);
  const auto start = std::chrono::steady_clock::now();
  const auto m = decode_ok(body);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST((*m.file_data)[0].file_data->size() == base64_size);
  BOOST_TEST(std::chrono::duration<double>(elapsed).count() < 1.0);
  BOOST_TEST_MESSAGE("32 MiB JSON decode: " << std::chrono::duration<double>(elapsed).count()
                                            << " s");

  // PHP's json_encode writes "/" as "\/": the parser then hands the string over in parts.
  std::string escaped = R"({"fileData":[{"fileData":")";
  for (std::size_t i = 0; i < 4 * 1024 * 1024; ++i) escaped += (i % 4 == 0) ? "\\/" : "A";
  escaped += "\"}]}";
  const auto start2 = std::chrono::steady_clock::now();
  const auto parts = decode_ok(escaped);
  const auto elapsed2 = std::chrono::steady_clock::now() - start2;
  BOOST_TEST((*parts.file_data)[0].file_data->size() == 4u * 1024 * 1024);
  BOOST_TEST((*parts.file_data)[0].file_data->substr(0, 5) == "/AAA/");
  BOOST_TEST(std::chrono::duration<double>(elapsed2).count() < 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace relay::portal
