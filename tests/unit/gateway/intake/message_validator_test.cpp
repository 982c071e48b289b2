// Unit tests for intake validation and translation: each rule answers with the field and the limit,
// and a valid message is translated exactly as the relay will send it.
#include <boost/test/unit_test.hpp>

#include "gateway/domain/base64.hpp"
#include "gateway/intake/message_validator.hpp"

using namespace relay;
using portal::FileAttachmentModel;
using portal::OutgoingSecureMessageModel;
using portal::PatientRecipientModel;

namespace {

OutgoingSecureMessageModel valid_model() {
  OutgoingSecureMessageModel model;
  model.external_id = "MSG-1";
  model.from_secure_recipient_external_id = "DR-100";
  model.patients = std::vector<PatientRecipientModel>{{"PAT-1", false, std::nullopt}};
  model.subject = "Lab results";
  model.body = "Your results are ready.";
  model.status = "Sent";
  return model;
}

config::RoutingTable default_routing() {
  config::RoutingTable routing;
  routing.default_route = domain::Route{"intake@example.direct.org", {"1234567893"}};
  return routing;
}

domain::Outcome<domain::ValidatedMessage> validate(const OutgoingSecureMessageModel& model,
                                                   config::IntakeLimits limits = {}) {
  return intake::validate_message(model, limits, default_routing());
}

bool has_field_error(const domain::RequestError& error, const std::string& field,
                     const std::string& fragment) {
  for (const auto& entry : error.fields) {
    if (entry.field == field && entry.message.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(message_validator)

BOOST_AUTO_TEST_CASE(valid_message_is_translated) {
  auto model = valid_model();
  model.priority = "high";
  model.subject = "  Lab\x01 results \n";
  config::IntakeLimits limits;
  limits.high_priority_subject_prefix = "[URGENT] ";
  auto result = validate(model, limits);
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->relay_subject == "[URGENT] Lab results");
  BOOST_TEST(result->subject.value() == "  Lab\x01 results \n");  // kept as sent for the vendor
  BOOST_TEST(result->relay_body.value() == "Your results are ready.");
  BOOST_TEST((result->priority == domain::Priority::high));
  BOOST_TEST((result->status == domain::RequestedStatus::sent));
  BOOST_TEST(result->route.destination == "intake@example.direct.org");
  BOOST_TEST(result->content_hash.size() == 64u);
}

BOOST_AUTO_TEST_CASE(missing_priority_means_normal_and_status_is_case_insensitive) {
  auto model = valid_model();
  model.status = "sent";
  auto result = validate(model);
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST((result->priority == domain::Priority::normal));
}

BOOST_AUTO_TEST_CASE(required_fields_are_all_reported_at_once) {
  OutgoingSecureMessageModel model;
  auto result = validate(model);
  BOOST_REQUIRE(!result.has_value());
  const auto& error = result.error();
  BOOST_TEST((error.kind == domain::ErrorKind::bad_request));
  BOOST_TEST(has_field_error(error, "model.ExternalId", "required"));
  BOOST_TEST(has_field_error(error, "model.FromSecureRecipientExternalId", "required"));
  BOOST_TEST(has_field_error(error, "model.Status", "required"));
  BOOST_TEST(has_field_error(error, "model.Patients", "At least one patient"));
  BOOST_TEST(has_field_error(error, "model.Subject", "required"));
  BOOST_TEST(has_field_error(error, "model.Body", "Body"));
}

BOOST_AUTO_TEST_CASE(enum_values_are_checked) {
  auto model = valid_model();
  model.status = "Queued";
  model.priority = "Urgent";
  auto result = validate(model);
  BOOST_REQUIRE(!result.has_value());
  BOOST_TEST(has_field_error(result.error(), "model.Status", "Draft or Sent"));
  BOOST_TEST(has_field_error(result.error(), "model.Priority", "Normal, High or Low"));
}

BOOST_AUTO_TEST_CASE(duplicate_and_empty_patients_are_named_by_index) {
  auto model = valid_model();
  model.patients = std::vector<PatientRecipientModel>{
      {"PAT-1", false, std::nullopt}, {"", false, std::nullopt}, {"PAT-1", false, std::nullopt}};
  auto result = validate(model);
  BOOST_REQUIRE(!result.has_value());
  BOOST_TEST(has_field_error(result.error(), "model.Patients[1].ExternalId", "required"));
  BOOST_TEST(has_field_error(result.error(), "model.Patients[2].ExternalId", "more than once"));
}

BOOST_AUTO_TEST_CASE(patient_count_limit) {
  auto model = valid_model();
  config::IntakeLimits limits;
  limits.max_patients = 2;
  model.patients = std::vector<PatientRecipientModel>{
      {"A", false, std::nullopt}, {"B", false, std::nullopt}, {"C", false, std::nullopt}};
  auto result = validate(model, limits);
  BOOST_REQUIRE(!result.has_value());
  BOOST_TEST(has_field_error(result.error(), "model.Patients", "at most 2"));
}

BOOST_AUTO_TEST_CASE(subject_length_counts_after_normalisation_in_utf16_units) {
  auto model = valid_model();
  model.subject = "  " + std::string(255, 'a') + "\x01  ";
  BOOST_TEST(validate(model).has_value());
  model.subject = std::string(256, 'a');
  auto too_long = validate(model);
  BOOST_REQUIRE(!too_long.has_value());
  BOOST_TEST(has_field_error(too_long.error(), "model.Subject", "256 characters"));
  std::string emoji;
  for (int i = 0; i < 128; ++i) emoji += "\xF0\x9F\x98\x80";  // 256 UTF-16 units
  model.subject = emoji;
  BOOST_TEST(!validate(model).has_value());
}

BOOST_AUTO_TEST_CASE(priority_prefix_counts_towards_the_subject_limit) {
  auto model = valid_model();
  model.priority = "High";
  model.subject = std::string(250, 'a');
  config::IntakeLimits limits;
  limits.high_priority_subject_prefix = "[URGENT] ";
  auto result = validate(model, limits);
  BOOST_REQUIRE(!result.has_value());
  BOOST_TEST(has_field_error(result.error(), "model.Subject", "prefix"));
}

BOOST_AUTO_TEST_CASE(nul_characters_are_refused_in_free_text) {
  auto model = valid_model();
  model.body = std::string("Hello\0world", 11);
  model.from_secure_recipient_name = std::string("Dr\0", 3);
  auto result = validate(model);
  BOOST_REQUIRE(!result.has_value());
  BOOST_TEST(has_field_error(result.error(), "model.Body", "NUL"));
  BOOST_TEST(has_field_error(result.error(), "model.FromSecureRecipientName", "NUL"));
}

BOOST_AUTO_TEST_CASE(blank_body_without_files_is_refused) {
  auto model = valid_model();
  model.body = " \x02\n ";
  auto result = validate(model);
  BOOST_REQUIRE(!result.has_value());
  BOOST_TEST(has_field_error(result.error(), "model.Body", "at least one file"));
}

BOOST_AUTO_TEST_CASE(long_body_is_kept_whole_for_overflow) {
  auto model = valid_model();
  model.body = std::string(12000, 'b');
  auto result = validate(model);
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->relay_body->size() == 12000u);
  config::IntakeLimits limits;
  limits.max_body_chars = 10000;
  BOOST_TEST(has_field_error(validate(model, limits).error(), "model.Body", "10000"));
}

BOOST_AUTO_TEST_CASE(attachments_are_decoded_and_typed) {
  auto model = valid_model();
  model.body.reset();
  model.file_data =
      std::vector<FileAttachmentModel>{{"referral.PDF", domain::base64_encode("%PDF-1.4 fake")}};
  auto result = validate(model);
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->attachments.size() == 1u);
  BOOST_TEST(result->attachments[0].bytes == "%PDF-1.4 fake");
  BOOST_TEST(result->attachments[0].content_type == "application/pdf");
  BOOST_TEST(!result->relay_body.has_value());
}

BOOST_AUTO_TEST_CASE(attachment_errors_name_the_file_index_and_the_limit) {
  auto model = valid_model();
  config::IntakeLimits limits;
  limits.max_attachment_bytes = 10;
  model.file_data = std::vector<FileAttachmentModel>{
      {"a.txt", "not base64!"},
      {"b.txt", domain::base64_encode(std::string(11, 'x'))},
      {"", domain::base64_encode("ok")},
      {"dir/c.txt", domain::base64_encode("ok")},
      {"d.txt", ""},
  };
  auto result = validate(model, limits);
  BOOST_REQUIRE(!result.has_value());
  const auto& error = result.error();
  BOOST_TEST(has_field_error(error, "model.FileData[0].FileData", "not valid base64"));
  BOOST_TEST(has_field_error(error, "model.FileData[1].FileData", "limit"));
  BOOST_TEST(has_field_error(error, "model.FileData[2].FileName", "required"));
  BOOST_TEST(has_field_error(error, "model.FileData[3].FileName", "without a path"));
  BOOST_TEST(has_field_error(error, "model.FileData[4].FileData", "required"));
}

BOOST_AUTO_TEST_CASE(attachment_count_and_total_limits) {
  auto model = valid_model();
  config::IntakeLimits limits;
  limits.max_attachments = 1;
  model.file_data = std::vector<FileAttachmentModel>{{"a.txt", "YQ=="}, {"b.txt", "Yg=="}};
  BOOST_TEST(has_field_error(validate(model, limits).error(), "model.FileData", "at most 1"));
  limits.max_attachments = 5;
  limits.max_total_attachment_bytes = 1;
  BOOST_TEST(has_field_error(validate(model, limits).error(), "model.FileData", "add up to 2"));
}

BOOST_AUTO_TEST_CASE(the_vendors_own_route_wins) {
  auto routing = default_routing();
  routing.by_vendor["acme"].by_sender["DR-100"] = domain::Route{"acme@example.direct.org", {}};
  const auto model = valid_model();
  BOOST_TEST(intake::validate_message(model, {}, routing, "acme")->route.destination ==
             "acme@example.direct.org");
  BOOST_TEST(intake::validate_message(model, {}, routing, "other")->route.destination ==
             "intake@example.direct.org");
}

BOOST_AUTO_TEST_CASE(no_route_is_unprocessable_and_names_the_field_not_the_sender) {
  auto model = valid_model();
  config::RoutingTable empty;
  auto result = intake::validate_message(model, {}, empty);
  BOOST_REQUIRE(!result.has_value());
  BOOST_TEST((result.error().kind == domain::ErrorKind::unprocessable));
  BOOST_TEST(has_field_error(result.error(), "model.FromSecureRecipientExternalId",
                             "No Metriport route is configured for this "
                             "FromSecureRecipientExternalId"));
  // Errors never echo values: the sender ID is not in the answer.
  BOOST_TEST(result.error().message.find("DR-100") == std::string::npos);
  for (const auto& field : result.error().fields) {
    BOOST_TEST(field.message.find("DR-100") == std::string::npos, field.message);
  }
}

BOOST_AUTO_TEST_CASE(content_hash_ignores_read_only_fields_but_not_content) {
  auto model = valid_model();
  const auto first = validate(model)->content_hash;
  model.id = "d13d3b4b-c197-4c8b-9d68-f4c1a23e99b1";
  model.creation_date = "2024-03-05T014:22:10";
  BOOST_TEST(validate(model)->content_hash == first);
  model.body = "Different body";
  BOOST_TEST(validate(model)->content_hash != first);
  model = valid_model();
  model.status = "Draft";
  BOOST_TEST(validate(model)->content_hash != first);
}

BOOST_AUTO_TEST_CASE(identifiers_with_control_characters_or_too_long_are_refused) {
  auto model = valid_model();
  model.external_id = std::string("MSG\n1");
  BOOST_TEST(has_field_error(validate(model).error(), "model.ExternalId", "control"));
  model.external_id = std::string(256, 'x');
  BOOST_TEST(has_field_error(validate(model).error(), "model.ExternalId", "255"));
}

BOOST_AUTO_TEST_CASE(identifiers_with_c1_separator_or_bidi_characters_are_refused) {
  const std::string refused[] = {
      "\xC2\x80",      // U+0080, first C1 control
      "\xC2\x85",      // U+0085 NEXT LINE
      "\xC2\x9F",      // U+009F, last C1 control
      "\xE2\x80\xA8",  // U+2028 LINE SEPARATOR
      "\xE2\x80\xA9",  // U+2029 PARAGRAPH SEPARATOR
      "\xE2\x80\xAA",  // U+202A LEFT-TO-RIGHT EMBEDDING
      "\xE2\x80\xAE",  // U+202E RIGHT-TO-LEFT OVERRIDE
      "\xE2\x81\xA6",  // U+2066 LEFT-TO-RIGHT ISOLATE
      "\xE2\x81\xA9",  // U+2069 POP DIRECTIONAL ISOLATE
  };
  for (std::size_t i = 0; i < std::size(refused); ++i) {
    const std::string& character = refused[i];
    BOOST_TEST_CONTEXT("refused[" << i << "]") {
      auto model = valid_model();
      model.external_id = "MSG" + character + "1";
      model.from_secure_recipient_external_id = character + "DR-100";
      (*model.patients)[0].external_id = "PAT-1" + character;
      (*model.patients)[0].representative_external_id = character;
      model.file_data = std::vector<FileAttachmentModel>{
          {"scan" + character + "fdp.pdf", domain::base64_encode("x")}};
      const auto result = validate(model);
      BOOST_REQUIRE(!result.has_value());
      const auto& error = result.error();
      const std::string message = "must not contain control characters";
      BOOST_TEST(has_field_error(error, "model.ExternalId", message));
      BOOST_TEST(has_field_error(error, "model.FromSecureRecipientExternalId", message));
      BOOST_TEST(has_field_error(error, "model.Patients[0].ExternalId", message));
      BOOST_TEST(has_field_error(error, "model.Patients[0].RepresentativeExternalId", message));
      BOOST_TEST(has_field_error(error, "model.FileData[0].FileName", message));
    }
  }
  // Their neighbours, and other non-ASCII text, are ordinary characters.
  for (const std::string accepted :
       {"\xC2\xA0", "\xC3\xA9", "\xE2\x80\xA7", "\xE2\x80\xAF", "\xE2\x81\xA5", "\xE2\x81\xAA",
        "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}) {
    auto model = valid_model();
    model.external_id = "MSG" + accepted;
    (*model.patients)[0].external_id = accepted + "PAT";
    BOOST_TEST(validate(model).has_value(), "accepted " << accepted);
  }
}

BOOST_AUTO_TEST_CASE(line_wrapped_base64_is_sized_by_its_symbols) {
  // 3000 bytes are 4000 base64 symbols; wrapped at 76 with CRLF that is 4104 characters, which a
  // size estimate counting the line breaks takes for 3078 bytes.
  const auto wrapped = [](const std::string& bytes) {
    const std::string flat = domain::base64_encode(bytes);
    std::string text;
    for (std::size_t at = 0; at < flat.size(); at += 76) text += flat.substr(at, 76) + "\r\n";
    return text;
  };
  config::IntakeLimits limits;
  limits.max_attachment_bytes = 3000;
  auto model = valid_model();
  model.file_data = std::vector<FileAttachmentModel>{{"scan.pdf", wrapped(std::string(3000, 'Z'))}};
  const auto result = validate(model, limits);
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->attachments.at(0).bytes == std::string(3000, 'Z'));

  // One byte more: refused, before or after decoding, naming the limit.
  model.file_data = std::vector<FileAttachmentModel>{{"scan.pdf", wrapped(std::string(3001, 'Z'))}};
  BOOST_TEST(
      has_field_error(validate(model, limits).error(), "model.FileData[0].FileData", "3000"));
  // Far over: refused by the estimate, without decoding.
  model.file_data = std::vector<FileAttachmentModel>{{"scan.pdf", wrapped(std::string(3006, 'Z'))}};
  BOOST_TEST(has_field_error(validate(model, limits).error(), "model.FileData[0].FileData",
                             "larger than the limit of 3000 bytes"));
  // White space alone does not make a file look large.
  model.file_data = std::vector<FileAttachmentModel>{
      {"scan.pdf", std::string(100000, ' ') + domain::base64_encode("ok") + std::string(9, '\n')}};
  BOOST_TEST(validate(model, limits).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
