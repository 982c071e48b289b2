// Unit tests of the portal form codec (application/x-www-form-urlencoded): jQuery's and ASP.NET
// MVC's key conventions, decoding rules, every malformed form named by key and never by value.
#include <boost/test/unit_test.hpp>

#include <string>

#include "adapters/portal/form_codec.hpp"
#include "adapters/portal/form_pairs.hpp"
#include "adapters/portal/json_codec.hpp"
#include "codec_test_support.hpp"
#include "tests/fuzz/form_encoding.hpp"

namespace relay::portal {
namespace {

using codec_test::contains;
using codec_test::read_sample;
using domain::ErrorKind;

constexpr codec_test::DecodeOk<decode_form> decode_ok;
constexpr codec_test::DecodeError<decode_form> decode_error;

// $.param(JSON.parse(message.json)) as $.ajax posts it (encodeURIComponent, then %20 as '+').
const std::string kJQueryHelpPageSample =
    "fromSecureRecipientExternalId=DR-100&fromSecureRecipientName=Dr.+Ana+Ruiz"
    "&patients%5B0%5D%5BexternalId%5D=PAT-4711&patients%5B0%5D%5BisRepresentative%5D=false"
    "&patients%5B0%5D%5BrepresentativeExternalId%5D=&patients%5B1%5D%5BexternalId%5D=PAT-4712"
    "&patients%5B1%5D%5BisRepresentative%5D=true"
    "&patients%5B1%5D%5BrepresentativeExternalId%5D=REP-88&subject=Referral+-+cardiology"
    "&body=Please+review+the+attached+referral+for+cardiology+consultation.&status=Sent"
    "&priority=High&fileData%5B0%5D%5BfileName%5D=referral.pdf&fileData%5B0%5D%5BfileData%5D="
    "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAx"
    "IDAgUj4%2BCiUlRU9GCg%3D%3D&id=&externalId=MSG-0001";

// A rejection with its modelState key, holding every fragment and no trace of "LEAK".
void expect_error(const std::string& body, const std::string& field,
                  std::initializer_list<std::string_view> fragments,
                  const DecodeLimits& limits = {}) {
  BOOST_TEST_CONTEXT(body) {
    const auto error = decode_error(body, limits);
    BOOST_TEST(error.field == field);
    for (const auto fragment : fragments)
      BOOST_TEST(contains(error.message, fragment), error.message);
    BOOST_TEST(!contains(error.message, "LEAK"), error.message);
    BOOST_TEST(!contains(error.field, "LEAK"));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(portal_form_codec)

BOOST_AUTO_TEST_CASE(jquery_param_of_the_help_page_sample_decodes_like_its_json) {
  const auto form = decode_ok(kJQueryHelpPageSample);
  BOOST_TEST((form == decode_json(read_sample("message.json")).value()));
  // The '+' inside the base64 was sent as %2B: it stays a '+', not a space.
  BOOST_TEST(contains(*(*form.file_data)[0].file_data, "Uj4+Ci"));
  BOOST_TEST(*form.from_secure_recipient_name == "Dr. Ana Ruiz");
}

BOOST_AUTO_TEST_CASE(mvc_dotted_names_with_raw_brackets_and_pascal_case) {
  const auto m = decode_ok(
      "ExternalId=MSG-7&FromSecureRecipientExternalId=DR-100&Patients[0].ExternalId=PAT-1"
      "&Patients[0].IsRepresentative=True&Patients[0].RepresentativeExternalId=REP-1"
      "&Patients[1].ExternalId=PAT-2&FileData[0].FileName=a%20b.txt&FileData[0].FileData=aGVsbG8%3D"
      "&Subject=Hello%20there&Body=Line%201%0D%0ALine%202&Status=Draft&Priority=Low"
      "&Id=d13d3b4b-c197-4c8b-9d68-f4c1a23e99b1&CreationDate=2024-03-05T014%3A22%3A10");
  BOOST_TEST(*m.external_id == "MSG-7");
  BOOST_REQUIRE(m.patients);
  BOOST_REQUIRE_EQUAL(m.patients->size(), 2u);
  BOOST_TEST(*(*m.patients)[0].is_representative == true);
  BOOST_TEST(*(*m.patients)[0].representative_external_id == "REP-1");
  BOOST_TEST(*(*m.patients)[1].external_id == "PAT-2");
  BOOST_TEST(!(*m.patients)[1].is_representative);
  BOOST_TEST(*(*m.file_data)[0].file_name == "a b.txt");
  BOOST_TEST(*(*m.file_data)[0].file_data == "aGVsbG8=");
  BOOST_TEST(*m.body == "Line 1\r\nLine 2");
  BOOST_TEST(*m.status == "Draft");
  BOOST_TEST(*m.priority == "Low");
  BOOST_TEST(*m.id == "d13d3b4b-c197-4c8b-9d68-f4c1a23e99b1");
  BOOST_TEST(*m.creation_date == "2024-03-05T014:22:10");  // read only: kept, never validated
  BOOST_TEST(!m.sent_date);
}

BOOST_AUTO_TEST_CASE(both_styles_of_every_sample_decode_like_the_json) {
  for (const auto* file : {"message.json", "message-pascal.json", "message-draft.json"}) {
    BOOST_TEST_CONTEXT(file) {
      auto json = decode_json(read_sample(file)).value();
      if (json.file_data && json.file_data->empty()) json.file_data.reset();  // [] is not sent
      for (const auto style : {fuzz::FormStyle::jquery, fuzz::FormStyle::mvc}) {
        BOOST_TEST((decode_ok(fuzz::encode_form(json, style)) == json));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(names_case_plus_and_percent_decoding) {
  const auto m = decode_ok(
      "externalid=m1&SUBJECT=a+b%2Bc%20d%C3%A9%e2%82%ac&pAtIeNtS%5B0%5D%5Bexternalid%5D=p"
      "&patients[0][ISREPRESENTATIVE]=FALSE&FILEDATA[0].filename=x&Body");
  BOOST_TEST(*m.external_id == "m1");
  BOOST_TEST(*m.subject == "a b+c d\xC3\xA9\xE2\x82\xAC");
  BOOST_TEST(*(*m.patients)[0].external_id == "p");
  BOOST_TEST(*(*m.patients)[0].is_representative == false);
  BOOST_TEST(*(*m.file_data)[0].file_name == "x");
  BOOST_TEST(*m.body == "");  // a pair without '=' is an empty value
  // '=' inside a value is part of it; empty pairs are skipped.
  const auto values = decode_ok("&&Subject=a=b==&&Body=%3D&");
  BOOST_TEST(*values.subject == "a=b==");
  BOOST_TEST(*values.body == "=");
  // An empty form is an empty model: the validator names what is missing.
  BOOST_TEST((decode_ok("") == OutgoingSecureMessageModel{}));
}

BOOST_AUTO_TEST_CASE(booleans_bind_as_aspnet_binds_them) {
  for (const auto& [text, expected] :
       {std::pair{"true", true}, std::pair{"True", true}, std::pair{"TRUE", true},
        std::pair{"false", false}, std::pair{"False", false}}) {
    BOOST_TEST_CONTEXT(text) {
      const auto m =
          decode_ok(std::string("Patients[0][ExternalId]=p&Patients[0][IsRepresentative]=") + text);
      BOOST_TEST(*(*m.patients)[0].is_representative == expected);
    }
  }
  // $.param writes null as "": no value.
  BOOST_TEST(!(*decode_ok("Patients[0][IsRepresentative]=").patients)[0].is_representative);
  for (const auto* bad : {"LEAK", "1", "0", "yes", "on", "true%20", "true,false"}) {
    expect_error(std::string("Patients[0][ExternalId]=p&Patients[0][IsRepresentative]=") + bad,
                 "model.Patients[0].IsRepresentative", {"must be true or false"});
  }
}

BOOST_AUTO_TEST_CASE(lists_items_in_order_interleaved_and_null) {
  const auto m = decode_ok(
      "Patients[0][ExternalId]=a&Patients[1][ExternalId]=b&Patients[0][IsRepresentative]=true"
      "&Patients[1].RepresentativeExternalId=r");
  BOOST_REQUIRE_EQUAL(m.patients->size(), 2u);
  BOOST_TEST(*(*m.patients)[0].is_representative == true);
  BOOST_TEST(*(*m.patients)[1].representative_external_id == "r");
  // "FileData=" is $.param's null list: no list at all.
  const auto no_files = decode_ok("FileData=&Subject=s");
  BOOST_TEST(!no_files.file_data);
  // At the item limit, fine.
  DecodeLimits two;
  two.max_array_items = 2;
  BOOST_TEST(
      decode_ok("Patients[0][ExternalId]=a&Patients[1][ExternalId]=b", two).patients->size() == 2u);
}

BOOST_AUTO_TEST_CASE(unknown_properties_and_members_are_ignored) {
  const auto m = decode_ok(
      "__RequestVerificationToken=abc&X[0][y]=1&Extra.Deep[3]=z&Subject=s"
      "&Patients[0][Nickname]=LEAK&FileData[0].Size=12");
  BOOST_TEST(*m.subject == "s");
  // The items exist (the validator names their missing members), with nothing taken from them.
  BOOST_REQUIRE_EQUAL(m.patients->size(), 1u);
  BOOST_TEST(((*m.patients)[0] == PatientRecipientModel{}));
  BOOST_REQUIRE_EQUAL(m.file_data->size(), 1u);
}

BOOST_AUTO_TEST_CASE(bad_encoding_is_named_by_key) {
  for (const auto* value : {"LEAK%zz", "LEAK%", "LEAK%4", "%G0LEAK"}) {
    expect_error(std::string("Subject=") + value, "model.Subject",
                 {"The value of the form key Subject", "percent-encoding"});
  }
  expect_error("Subject=LEAK%FF%FE", "model.Subject", {"UTF-8"});
  expect_error("Subject=LEAK%C3", "model.Subject", {"UTF-8"});
  expect_error("Subject=LE%00AK", "model.Subject", {"without NUL"});
  expect_error("Patients[0][ExternalId]=LEAK%ED%A0%80", "model.Patients[0].ExternalId",
               {"the form key Patients[0][ExternalId]"});
  expect_error("Patients%5B0%5D.IsRepresentative=%zz", "model.Patients[0].IsRepresentative",
               {"the form key Patients[0].IsRepresentative"});
  // Unknown keys are ignored, but not a malformed value under them.
  expect_error("Other=LEAK%", "model", {"the form key Other"});
  // A key that does not decode is named by its position.
  expect_error("Subject=a&Sub%4ject=LEAK", "model", {"pair 2", "percent-encoding"});
  expect_error("Subject=a&Sub%00ject=LEAK", "model", {"pair 2"});
  expect_error("Subject=a&%FFLEAK=x", "model", {"pair 2"});
}

BOOST_AUTO_TEST_CASE(indexes_must_be_plain_in_order_and_bounded) {
  for (const auto* index : {"a", "-1", "+1", "01", "00", "", " 1", "1.5", "0x1", "1e3"}) {
    expect_error(std::string("Patients[") + index + "][ExternalId]=x", "model.Patients",
                 {"index that is not a whole number"});
  }
  expect_error("Patients[0[ExternalId]=x", "model.Patients", {"not a whole number"});
  expect_error("Patients[0", "model.Patients", {"not a whole number"});
  // Sparse, gapped or out of order: named with the next index expected.
  expect_error("Patients[1][ExternalId]=LEAK", "model.Patients", {"skips an index", "is 0"});
  expect_error("Patients[0][ExternalId]=a&Patients[2][ExternalId]=LEAK", "model.Patients",
               {"The form key Patients[2][ExternalId] skips an index", "is 1"});
  expect_error("FileData[1].FileName=b&FileData[0].FileName=a", "model.FileData",
               {"skips an index"});
  // Over the item limit, huge or beyond 64 bits: the list limit, as JSON says it.
  DecodeLimits two;
  two.max_array_items = 2;
  expect_error("Patients[0][ExternalId]=a&Patients[1][ExternalId]=b&Patients[2][ExternalId]=c",
               "model.Patients", {"The Patients list has more than the limit of 2 items."}, two);
  expect_error("FileData[18446744073709551616][FileName]=x", "model.FileData",
               {"more than the limit of 10000 items"});
  expect_error("FileData[999999999999999999999999999999][FileName]=x", "model.FileData",
               {"more than the limit of 10000 items"});
  expect_error("Patients[10000][ExternalId]=x", "model.Patients", {"limit of 10000 items"});
}

BOOST_AUTO_TEST_CASE(a_key_twice_is_refused_whatever_its_spelling) {
  expect_error("Subject=a&Subject=LEAK", "model.Subject", {"Subject appears more than once"});
  expect_error("Subject=a&sUBJECT=LEAK", "model.Subject", {"more than once"});
  expect_error("Id=1&Id=2", "model.Id", {"more than once"});
  expect_error("Patients[0][ExternalId]=a&Patients[0].externalid=LEAK",
               "model.Patients[0].ExternalId", {"Patients[0].externalid appears more than once"});
  expect_error("Patients[0][IsRepresentative]=true&Patients[0][IsRepresentative]=false",
               "model.Patients[0].IsRepresentative", {"more than once"});
  expect_error("FileData=&FileData=", "model.FileData", {"more than once"});
  // The same member of different items is fine.
  BOOST_TEST(decode_ok("Patients[0][ExternalId]=a&Patients[1][ExternalId]=b").patients->size() ==
             2u);
}

BOOST_AUTO_TEST_CASE(values_and_lists_do_not_share_a_name) {
  expect_error("Subject[0]=LEAK", "model.Subject", {"single value", "Subject[0]"});
  expect_error("Subject=a&Subject.Text=LEAK", "model.Subject", {"single value"});
  expect_error("Patients=LEAK", "model.Patients", {"is a list", "gives it a value"});
  expect_error("FileData=&FileData[0][FileName]=a", "model.FileData", {"gives it a value"});
  expect_error("FileData[0][FileName]=a&FileData=", "model.FileData", {"gives it a value"});
  expect_error("Patients.ExternalId=LEAK", "model.Patients", {"needs an index and a member"});
}

BOOST_AUTO_TEST_CASE(nesting_the_model_does_not_have_is_refused) {
  expect_error("Patients[0]=LEAK", "model.Patients[0]", {"no member of it"});
  for (const auto* key :
       {"Patients[0][ExternalId][x]", "Patients[0].ExternalId.x", "Patients[0][ExternalId]x",
        "Patients[0].ExternalId[0]", "Patients[0][]", "Patients[0].", "Patients[0]x",
        "Patients[0][[ExternalId]]", "Patients[0][Ext.Id]"}) {
    expect_error(std::string(key) + "=LEAK", "model.Patients[0]", {"does not have the shape"});
  }
  for (const auto* key : {"[0]", ".x", "", "[0][ExternalId]"}) {
    expect_error(std::string(key) + "=LEAK", "model", {"has no property name"});
  }
}

BOOST_AUTO_TEST_CASE(keys_are_shown_only_when_plain_and_short) {
  // A key with other characters, or a long one, is named by its position.
  expect_error("Subject=a&Patients[0][a b][LEAK]=1", "model.Patients[0]", {"pair 2"});
  std::string long_key = "Patients[0][";
  long_key += std::string(60, 'L');
  long_key += "EAK][x]=1";
  expect_error(long_key, "model.Patients[0]", {"The form key of pair 1"});
  expect_error("Patients[0][ExternalId]=%zz&x", "model.Patients[0].ExternalId",
               {"the form key Patients[0][ExternalId]"});
}

BOOST_AUTO_TEST_CASE(limits) {
  expect_error(std::string(form_max_key_bytes + 1, 'k') + "=1", "model",
               {"pair 1", "longer than the limit of 256 bytes"});
  BOOST_TEST(!decode_ok(std::string(form_max_key_bytes, 'k') + "=1").subject);
  DecodeLimits one;
  one.max_array_items = 1;
  BOOST_TEST(form_max_pairs(one) == 261u);
  std::string many;
  for (int i = 0; i < 262; ++i) {
    many += 'x';  // appended stepwise: GCC 12 warns falsely (-Wrestrict) on "x" + std::string
    many += std::to_string(i);
    many += "=1&";
  }
  expect_error(many, "model", {"more than the limit of 261 fields"}, one);
  many.resize(many.rfind("x261"));
  BOOST_TEST(!decode_ok(many, one).subject);
  // Empty pairs do not count.
  BOOST_TEST(!decode_ok(std::string(10000, '&'), one).subject);
  DecodeLimits small;
  small.max_bytes = 10;
  const auto large = decode_form("Subject=12345", small);
  BOOST_REQUIRE(!large);
  BOOST_TEST((large.error().kind == ErrorKind::payload_too_large));
  BOOST_TEST(form_max_pairs(DecodeLimits{}) == 50256u);
}

BOOST_AUTO_TEST_CASE(split_form_reports_pairs_by_position) {
  auto split = split_form("a=1&&b&c=%20", {10, 8});
  const auto& pairs = std::get<std::vector<FormPair>>(split);
  BOOST_REQUIRE_EQUAL(pairs.size(), 3u);
  BOOST_TEST(pairs[1].key == "b");
  BOOST_TEST(pairs[1].encoded_value.empty());
  BOOST_TEST(pairs[2].encoded_value == "%20");
  const auto too_many = split_form("a&b&c", {2, 8});
  BOOST_TEST((std::get<FormPairError>(too_many).problem == FormPairProblem::too_many_pairs));
  BOOST_TEST(std::get<FormPairError>(too_many).pair_number == 3u);
  BOOST_TEST(decode_form_component("a+b%2B").value_or("") == "a b+");
  BOOST_TEST(!decode_form_component("%"));
  BOOST_TEST(!decode_form_component("%C0%AF"));  // overlong UTF-8
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace relay::portal
