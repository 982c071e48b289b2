// Unit tests for planning a delivery's Metriport sends: body overflow into message-body.txt, splits
// of more than five documents with "(k/n)" subjects, and cuts that never break a character.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "gateway/domain/text.hpp"
#include "gateway/relay/send_plan.hpp"

using namespace relay::engine;
using relay::domain::is_valid_utf8;
using relay::domain::utf16_length;

namespace {

std::vector<PlannedAttachment> attachments(int count, std::int64_t first_id = 100) {
  std::vector<PlannedAttachment> out;
  for (int i = 0; i < count; ++i)
    out.push_back({first_id + i, "file" + std::to_string(i) + ".pdf"});
  return out;
}

std::vector<DocumentKey> keys(std::initializer_list<std::optional<std::int64_t>> ids) {
  std::vector<DocumentKey> out;
  for (const auto& id : ids) out.push_back(DocumentKey{id});
  return out;
}

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

const std::size_t note_units = utf16_length(body_overflow_note());
const std::string emoji = "\xF0\x9F\x98\x80";  // U+1F600: 4 bytes, 2 UTF-16 units
const std::string euro = "\xE2\x82\xAC";       // U+20AC: 3 bytes, 1 unit

}  // namespace

BOOST_AUTO_TEST_SUITE(send_plan)

BOOST_AUTO_TEST_CASE(full_body_document_name_and_type) {
  BOOST_TEST(full_body_file_name() == "message-body.txt");
  BOOST_TEST(full_body_content_type() == "text/plain; charset=utf-8");
  BOOST_TEST(body_overflow_note().find(full_body_file_name()) != std::string_view::npos);
}

BOOST_AUTO_TEST_CASE(body_only_is_one_send_as_is) {
  const SendPlan plan = plan_sends("Lab results", std::string_view("Hello"), {});
  BOOST_TEST(!plan.body_overflow);
  BOOST_TEST_REQUIRE(plan.sends.size() == 1u);
  BOOST_TEST(plan.sends[0].part == 1);
  BOOST_TEST(plan.sends[0].parts == 1);
  BOOST_TEST(plan.sends[0].subject == "Lab results");
  BOOST_TEST(plan.sends[0].body.value_or("") == "Hello");
  BOOST_TEST(plan.sends[0].documents.empty());
}

BOOST_AUTO_TEST_CASE(attachments_only_up_to_five_is_one_send) {
  const SendPlan plan = plan_sends("Files", std::nullopt, attachments(5));
  BOOST_TEST_REQUIRE(plan.sends.size() == 1u);
  BOOST_TEST(!plan.sends[0].body.has_value());
  BOOST_TEST(plan.sends[0].subject == "Files");
  BOOST_TEST(plan.sends[0].documents == keys({100, 101, 102, 103, 104}));
}

BOOST_AUTO_TEST_CASE(an_empty_body_counts_as_none) {
  const SendPlan plan = plan_sends("Files", std::string_view(""), attachments(1));
  BOOST_TEST_REQUIRE(plan.sends.size() == 1u);
  BOOST_TEST(!plan.sends[0].body.has_value());
}

BOOST_AUTO_TEST_CASE(no_body_and_no_documents_is_an_empty_plan) {
  BOOST_TEST(plan_sends("S", std::nullopt, {}).sends.empty());
  BOOST_TEST(plan_sends("S", std::string_view(""), {}).sends.empty());
  BOOST_TEST(!plan_sends("S", std::nullopt, {}).body_overflow);
}

BOOST_AUTO_TEST_CASE(six_attachments_split_in_two_parts) {
  const SendPlan plan = plan_sends("Scans", std::string_view("See files"), attachments(6));
  BOOST_TEST_REQUIRE(plan.sends.size() == 2u);
  BOOST_TEST(plan.sends[0].subject == "Scans (1/2)");
  BOOST_TEST(plan.sends[1].subject == "Scans (2/2)");
  BOOST_TEST(plan.sends[0].part == 1);
  BOOST_TEST(plan.sends[1].part == 2);
  BOOST_TEST(plan.sends[1].parts == 2);
  BOOST_TEST(plan.sends[0].body.value_or("") == "See files");
  BOOST_TEST(!plan.sends[1].body.has_value());  // later parts carry only documents
  BOOST_TEST(plan.sends[0].documents == keys({100, 101, 102, 103, 104}));
  BOOST_TEST(plan.sends[1].documents == keys({105}));
}

BOOST_AUTO_TEST_CASE(eleven_attachments_make_three_parts_in_order) {
  const SendPlan plan = plan_sends("X", std::nullopt, attachments(11));
  BOOST_TEST_REQUIRE(plan.sends.size() == 3u);
  BOOST_TEST(plan.sends[0].documents.size() == 5u);
  BOOST_TEST(plan.sends[1].documents == keys({105, 106, 107, 108, 109}));
  BOOST_TEST(plan.sends[2].documents == keys({110}));
  BOOST_TEST(plan.sends[2].subject == "X (3/3)");
  BOOST_TEST(!plan.sends[0].body.has_value());
}

BOOST_AUTO_TEST_CASE(body_at_the_limit_is_not_overflow) {
  const std::string body = repeat("a", 5000);
  const SendPlan plan = plan_sends("S", std::string_view(body), {});
  BOOST_TEST(!plan.body_overflow);
  BOOST_TEST(plan.sends[0].body.value_or("") == body);
  // 5000 UTF-16 units of emoji is 2500 of them (10000 bytes): still fits.
  const std::string emojis = repeat(emoji, 2500);
  BOOST_TEST(!plan_sends("S", std::string_view(emojis), {}).body_overflow);
}

BOOST_AUTO_TEST_CASE(long_body_sends_a_prefix_and_the_full_text_first) {
  const std::string body = repeat("0123456789", 501);  // 5010 units
  const SendPlan plan = plan_sends("S", std::string_view(body), attachments(2));
  BOOST_TEST(plan.body_overflow);
  BOOST_TEST_REQUIRE(plan.sends.size() == 1u);
  const std::string& sent = *plan.sends[0].body;
  BOOST_TEST(utf16_length(sent) == 5000u);
  BOOST_TEST(sent.substr(0, 5000 - note_units) == body.substr(0, 5000 - note_units));
  BOOST_TEST(sent.ends_with(body_overflow_note()));
  BOOST_TEST(plan.sends[0].documents == keys({std::nullopt, 100, 101}));
}

BOOST_AUTO_TEST_CASE(overflow_document_counts_towards_the_split) {
  const std::string body = repeat("b", 6000);
  const SendPlan plan = plan_sends("S", std::string_view(body), attachments(5));
  BOOST_TEST_REQUIRE(plan.sends.size() == 2u);
  BOOST_TEST(plan.sends[0].documents == keys({std::nullopt, 100, 101, 102, 103}));
  BOOST_TEST(plan.sends[1].documents == keys({104}));
  BOOST_TEST(plan.sends[0].body.has_value());
  BOOST_TEST(!plan.sends[1].body.has_value());
}

BOOST_AUTO_TEST_CASE(cut_never_splits_a_surrogate_pair) {
  // Put the cut on an odd unit inside a run of emoji, for both parities of the note length.
  for (const char* lead : {"", "a"}) {
    const std::string body = std::string(lead) + repeat(emoji, 3000);
    const SendPlan plan = plan_sends("S", std::string_view(body), {});
    const std::string& sent = *plan.sends[0].body;
    BOOST_TEST(is_valid_utf8(sent));
    BOOST_TEST(utf16_length(sent) <= 5000u);
    BOOST_TEST(utf16_length(sent) >= 4999u);  // at most one unit left unused
    BOOST_TEST(body.starts_with(sent.substr(0, sent.size() - body_overflow_note().size())));
  }
}

BOOST_AUTO_TEST_CASE(cut_never_splits_a_utf8_sequence) {
  for (const char* lead : {"", "a", "ab"}) {
    const std::string body = std::string(lead) + repeat(euro, 6000);
    const std::string sent = *plan_sends("S", std::string_view(body), {}).sends[0].body;
    BOOST_TEST(is_valid_utf8(sent));
    BOOST_TEST(utf16_length(sent) == 5000u);
  }
}

BOOST_AUTO_TEST_CASE(prefix_loses_its_trailing_white_space) {
  const std::size_t budget = 5000 - note_units;
  const std::string nbsp = "\xC2\xA0";
  const std::string ideographic_space = "\xE3\x80\x80";
  const std::string body =
      repeat("a", budget - 6) + " \t\n" + nbsp + ideographic_space + " " + repeat("z", 200);
  const std::string sent = *plan_sends("S", std::string_view(body), {}).sends[0].body;
  BOOST_TEST(sent == repeat("a", budget - 6) + std::string(body_overflow_note()));
}

BOOST_AUTO_TEST_CASE(split_subjects_fit_in_255_units) {
  const std::string subject = repeat("s", 255);
  const SendPlan plan = plan_sends(subject, std::nullopt, attachments(7));
  BOOST_TEST_REQUIRE(plan.sends.size() == 2u);
  BOOST_TEST(plan.sends[0].subject == repeat("s", 249) + " (1/2)");
  BOOST_TEST(plan.sends[1].subject == repeat("s", 249) + " (2/2)");
}

BOOST_AUTO_TEST_CASE(split_subjects_truncate_at_code_points) {
  const std::string subject = repeat(emoji, 127) + "x";  // 255 units
  BOOST_TEST_REQUIRE(utf16_length(subject) == 255u);
  const SendPlan plan = plan_sends(subject, std::nullopt, attachments(6));
  for (const PlannedSend& send : plan.sends) {
    BOOST_TEST(is_valid_utf8(send.subject));
    BOOST_TEST(utf16_length(send.subject) <= 255u);
  }
  BOOST_TEST(plan.sends[0].subject == repeat(emoji, 124) + " (1/2)");  // 248 + 6 units
}

BOOST_AUTO_TEST_CASE(two_digit_part_numbers_still_fit) {
  const std::string subject = repeat("s", 255);
  const SendPlan plan = plan_sends(subject, std::nullopt, attachments(60));
  BOOST_TEST_REQUIRE(plan.sends.size() == 12u);
  BOOST_TEST(plan.sends[0].subject == repeat("s", 248) + " (1/12)");
  BOOST_TEST(plan.sends[11].subject == repeat("s", 247) + " (12/12)");
  for (const PlannedSend& send : plan.sends) BOOST_TEST(utf16_length(send.subject) <= 255u);
}

BOOST_AUTO_TEST_CASE(truncated_subjects_drop_trailing_white_space) {
  const std::string subject = repeat("s", 247) + "  " + repeat("t", 6);  // 255 units
  const SendPlan plan = plan_sends(subject, std::nullopt, attachments(6));
  BOOST_TEST(plan.sends[0].subject == repeat("s", 247) + " (1/2)");
}

BOOST_AUTO_TEST_CASE(short_subjects_are_kept_whole_in_parts) {
  const SendPlan plan = plan_sends("Hi " + euro, std::nullopt, attachments(6));
  BOOST_TEST(plan.sends[0].subject == "Hi " + euro + " (1/2)");
}

BOOST_AUTO_TEST_CASE(custom_limits) {
  SendLimits limits;
  limits.max_body_units = note_units + 10;
  limits.max_attachments_per_send = 2;
  limits.max_subject_units = 10;
  const SendPlan plan =
      plan_sends("abcdefghij", std::string_view(repeat("x", 200)), attachments(2), limits);
  BOOST_TEST(plan.body_overflow);
  BOOST_TEST_REQUIRE(plan.sends.size() == 2u);  // full-body document + 2 attachments, 2 per send
  BOOST_TEST(*plan.sends[0].body == repeat("x", 10) + std::string(body_overflow_note()));
  BOOST_TEST(plan.sends[0].subject == "abcd (1/2)");
  BOOST_TEST(plan.sends[0].documents == keys({std::nullopt, 100}));
  BOOST_TEST(plan.sends[1].documents == keys({101}));
}

BOOST_AUTO_TEST_CASE(absurd_limits_stay_safe) {
  SendLimits limits;
  limits.max_body_units = 5;  // smaller than the note: no body, the document carries it all
  limits.max_attachments_per_send = 0;  // treated as one per send
  const SendPlan plan = plan_sends("S", std::string_view("a long body"), attachments(1), limits);
  BOOST_TEST(plan.body_overflow);
  BOOST_TEST_REQUIRE(plan.sends.size() == 2u);
  BOOST_TEST(!plan.sends[0].body.has_value());
  BOOST_TEST(plan.sends[0].documents == keys({std::nullopt}));
  BOOST_TEST(plan.sends[1].documents == keys({100}));
}

BOOST_AUTO_TEST_SUITE_END()
