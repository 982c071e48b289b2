// Unit tests of the portal XML codec: the .NET sample byte for byte, lenient reading (namespaces,
// case, order, nil), strict rejections (DTDs, entities, bad text), limits and the encoders.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>

#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/xml_codec.hpp"
#include "codec_test_support.hpp"

namespace relay::portal {
namespace {

using codec_test::contains;
using codec_test::read_sample;
using domain::ErrorKind;

constexpr codec_test::DecodeOk<decode_xml> decode_ok;
constexpr codec_test::DecodeError<decode_xml> decode_error;

std::string repeat(std::string_view text, std::size_t times) {
  std::string out;
  out.reserve(text.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

// A model document with the DataContract namespaces around the given members.
std::string wrap(std::string_view members) {
  return "<OutgoingSecureMessageModel xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xmlns=\"http://schemas.datacontract.org/2004/07/"
         "GlobalPortal.Api.Models.OutgoingSecureMessages\">" +
         std::string(members) + "</OutgoingSecureMessageModel>";
}

// The help page's request sample (seed 003), exactly as .NET writes it.
constexpr std::string_view kHelpPageXml =
    "<OutgoingSecureMessageModel xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns=\"http://schemas.datacontract.org/2004/07/"
    "GlobalPortal.Api.Models.OutgoingSecureMessages\">\n"
    "<ExternalId xmlns=\"http://schemas.datacontract.org/2004/07/GlobalPortal.Api.Models\">sample "
    "string 9</ExternalId>\n"
    "<Id xmlns=\"http://schemas.datacontract.org/2004/07/GlobalPortal.Api.Models\">"
    "d13d3b4b-c197-4c8b-9d68-f4c1a23e99b1</Id>\n"
    "<Body>sample string 4</Body>\n"
    "<CreationDate>2026-05-29T16:57:00.3151696+00:00</CreationDate>\n"
    "<FileData>\n"
    "<FileAttachmentModel>\n<FileData>QEA=</FileData>\n<FileName>sample string 1</FileName>\n"
    "</FileAttachmentModel>\n"
    "<FileAttachmentModel>\n<FileData>QEA=</FileData>\n<FileName>sample string 1</FileName>\n"
    "</FileAttachmentModel>\n"
    "</FileData>\n"
    "<FromSecureRecipientExternalId>sample string 1</FromSecureRecipientExternalId>\n"
    "<FromSecureRecipientName>sample string 2</FromSecureRecipientName>\n"
    "<Patients>\n"
    "<PatientRecipientModel>\n<ExternalId>sample string 1</ExternalId>\n"
    "<IsRepresentative>true</IsRepresentative>\n"
    "<RepresentativeExternalId>sample string 3</RepresentativeExternalId>\n"
    "</PatientRecipientModel>\n"
    "<PatientRecipientModel>\n<ExternalId>sample string 1</ExternalId>\n"
    "<IsRepresentative>true</IsRepresentative>\n"
    "<RepresentativeExternalId>sample string 3</RepresentativeExternalId>\n"
    "</PatientRecipientModel>\n"
    "</Patients>\n"
    "<Priority>sample string 6</Priority>\n"
    "<SentDate>2026-05-29T16:57:00.3152364+00:00</SentDate>\n"
    "<Status>sample string 5</Status>\n"
    "<Subject>sample string 3</Subject>\n"
    "</OutgoingSecureMessageModel>";

}  // namespace

BOOST_AUTO_TEST_SUITE(portal_xml_codec)

BOOST_AUTO_TEST_CASE(decodes_the_sample) {
  const auto m = decode_ok(read_sample("message.xml"));
  BOOST_TEST(*m.external_id == "MSG-0004");
  BOOST_TEST(*m.id == "00000000-0000-0000-0000-000000000000");
  BOOST_TEST(*m.body == "Please review the attached imaging report.");
  BOOST_TEST(*m.creation_date == "2026-05-29T16:57:00.3151696+00:00");
  BOOST_REQUIRE_EQUAL(m.file_data->size(), 1u);
  BOOST_TEST(*(*m.file_data)[0].file_data == "SGVsbG8sIGNhcmRpb2xvZ3kh");
  BOOST_TEST(*(*m.file_data)[0].file_name == "note.txt");
  BOOST_TEST(*m.from_secure_recipient_external_id == "DR-100");
  BOOST_TEST(!m.from_secure_recipient_name);
  BOOST_REQUIRE_EQUAL(m.patients->size(), 1u);
  BOOST_TEST(*(*m.patients)[0].external_id == "PAT-4711");
  BOOST_TEST(*(*m.patients)[0].is_representative == false);
  BOOST_TEST(!(*m.patients)[0].representative_external_id);
  BOOST_TEST(*m.priority == "Normal");
  BOOST_TEST(*m.sent_date == "2026-05-29T16:57:00.3152364+00:00");
  BOOST_TEST(*m.status == "Sent");
  BOOST_TEST(*m.subject == "Imaging report");
}

BOOST_AUTO_TEST_CASE(sample_round_trips_byte_for_byte) {
  const std::string sample = read_sample("message.xml");
  BOOST_TEST(encode_xml(decode_ok(sample)) == sample);
  BOOST_TEST(encode_xml(decode_ok(kHelpPageXml)) == std::string(kHelpPageXml) + "\n");
}

BOOST_AUTO_TEST_CASE(xml_and_json_samples_agree) {
  const auto from_xml = decode_ok(kHelpPageXml);
  BOOST_TEST(*from_xml.id == "d13d3b4b-c197-4c8b-9d68-f4c1a23e99b1");
  BOOST_TEST(*(*from_xml.patients)[1].is_representative == true);
  auto from_json = decode_json(encode_json(from_xml));
  BOOST_REQUIRE(!!from_json);
  BOOST_TEST((from_json.value() == from_xml));
}

BOOST_AUTO_TEST_CASE(prefixes_case_and_order_do_not_matter) {
  const auto m = decode_ok(
      "<p:outgoingsecuremessagemodel xmlns:p=\"urn:any\" xmlns:b=\"urn:base\">"
      "<p:SUBJECT>s</p:SUBJECT><b:externalId>e</b:externalId>"
      "<patients><x:Anything xmlns:x=\"urn:x\"><isrepresentative>1</isrepresentative>"
      "<EXTERNALID>p</EXTERNALID></x:Anything></patients>"
      "<FILEDATA><f><filename>n</filename><filedata>QQ==</filedata></f></FILEDATA>"
      "</p:outgoingsecuremessagemodel>");
  BOOST_TEST(*m.subject == "s");
  BOOST_TEST(*m.external_id == "e");
  BOOST_TEST(*(*m.patients)[0].external_id == "p");
  BOOST_TEST(*(*m.patients)[0].is_representative == true);
  BOOST_TEST(*(*m.file_data)[0].file_name == "n");
  BOOST_TEST(*(*m.file_data)[0].file_data == "QQ==");
}

BOOST_AUTO_TEST_CASE(nil_elements_become_nullopt) {
  const auto m = decode_ok(wrap(
      "<Subject i:nil=\"true\"/><Body xmlns:n=\"urn:n\" n:nil=\"1\">ignored</Body>"
      "<Status i:nil=\"false\">Sent</Status><Patients i:nil=\"true\"/><FileData i:nil=\"true\"/>"
      "<Id i:nil=\"true\"/>"));
  BOOST_TEST(!m.subject);
  BOOST_TEST(!m.body);
  BOOST_TEST(*m.status == "Sent");
  BOOST_TEST(!m.patients);
  BOOST_TEST(!m.file_data);
  BOOST_TEST(!m.id);
  const auto p =
      decode_ok(wrap("<Patients><PatientRecipientModel><ExternalId i:nil=\"true\"/>"
                     "<IsRepresentative i:nil=\"true\"/><RepresentativeExternalId i:nil=\"true\"/>"
                     "</PatientRecipientModel></Patients>"));
  BOOST_TEST(((*p.patients)[0] == PatientRecipientModel{}));
  const auto nil_item =
      decode_error(wrap("<Patients><PatientRecipientModel i:nil=\"true\"/></Patients>"));
  BOOST_TEST(nil_item.field == "model.Patients[0]");
}

BOOST_AUTO_TEST_CASE(empty_lists_and_empty_text) {
  const auto m =
      decode_ok(wrap("<FileData/><Patients>\n</Patients><Id></Id><Subject/>"
                     "<Body>  </Body>"));
  BOOST_TEST(m.file_data->empty());
  BOOST_TEST(m.patients->empty());
  BOOST_TEST(*m.id == "");
  BOOST_TEST(*m.subject == "");
  BOOST_TEST(*m.body == "  ");
}

BOOST_AUTO_TEST_CASE(read_only_members_are_kept_as_text_and_never_rejected) {
  const auto m = decode_ok(
      wrap("<CreationDate>2024-03-05T014:22:10</CreationDate><SentDate><x>1</x></SentDate>"
           "<Id>not-a-guid</Id><id>second</id>"));
  BOOST_TEST(*m.creation_date == "2024-03-05T014:22:10");
  BOOST_TEST(!m.sent_date);
  BOOST_TEST(*m.id == "second");
}

BOOST_AUTO_TEST_CASE(lower_case_enum_values_are_kept) {
  const auto m = decode_ok(wrap("<Status>sent</Status><Priority>high</Priority>"));
  BOOST_TEST(*m.status == "sent");
  BOOST_TEST(*m.priority == "high");
}

BOOST_AUTO_TEST_CASE(unknown_elements_are_ignored) {
  const auto m = decode_ok(wrap(
      "<Unknown><Subject>inner</Subject><Subject>twice</Subject></Unknown>"
      "<Subject>outer</Subject><Patients><PatientRecipientModel><Extra><ExternalId>x</ExternalId>"
      "</Extra><ExternalId>p</ExternalId></PatientRecipientModel></Patients>"));
  BOOST_TEST(*m.subject == "outer");
  BOOST_TEST(*(*m.patients)[0].external_id == "p");
}

BOOST_AUTO_TEST_CASE(text_is_unescaped) {
  const auto m =
      decode_ok(wrap("<Subject>a &amp; b &lt;c&gt; &quot;&apos; &#x41;&#66; &#xe9;</Subject>"
                     "<Body><![CDATA[<raw & text>]]> tail</Body><Status>x<!-- c -->y</Status>"
                     "<Priority>line1\r\nline2&#xD;</Priority>"));
  BOOST_TEST(*m.subject == "a & b <c> \"' AB \xC3\xA9");
  BOOST_TEST(*m.body == "<raw & text> tail");
  BOOST_TEST(*m.status == "xy");
  BOOST_TEST(*m.priority == "line1\nline2\r");
}

BOOST_AUTO_TEST_CASE(duplicate_elements_are_rejected_by_name) {
  const auto root = decode_error(wrap("<Subject>a</Subject><subject>b</subject>"));
  BOOST_TEST(root.field == "model.Subject");
  BOOST_TEST(contains(root.message, "more than once"));
  BOOST_TEST(decode_error(wrap("<Patients/><Patients/>")).field == "model.Patients");
  BOOST_TEST(
      decode_error(wrap("<Patients><P/><P><ExternalId/><ExternalId/></P></Patients>")).field ==
      "model.Patients[1].ExternalId");
  BOOST_TEST(
      decode_error(wrap("<FileData><F><FileName/><a:FileName xmlns:a=\"u\"/></F></FileData>"))
          .field == "model.FileData[0].FileName");
}

BOOST_AUTO_TEST_CASE(text_members_with_child_elements_are_rejected) {
  const auto error = decode_error(wrap("<Subject>SECRET<b>bold</b></Subject>"));
  BOOST_TEST(error.field == "model.Subject");
  BOOST_TEST(contains(error.message, "must hold text"));
  BOOST_TEST(!contains(error.message, "SECRET"));
  BOOST_TEST(decode_error(wrap("<FileData><FileAttachmentModel><FileData><x/></FileData>"
                               "</FileAttachmentModel></FileData>"))
                 .field == "model.FileData[0].FileData");
  BOOST_TEST(
      decode_error(wrap("<Patients><P><IsRepresentative><x/></IsRepresentative></P></Patients>"))
          .field == "model.Patients[0].IsRepresentative");
}

BOOST_AUTO_TEST_CASE(booleans_are_xml_schema_booleans) {
  auto value = [](std::string_view text) {
    return (*decode_ok(wrap("<Patients><P><IsRepresentative>" + std::string(text) +
                            "</IsRepresentative></P></Patients>"))
                 .patients)[0]
        .is_representative;
  };
  BOOST_TEST(*value("true") == true);
  BOOST_TEST(*value("1") == true);
  BOOST_TEST(*value("false") == false);
  BOOST_TEST(*value("0") == false);
  BOOST_TEST(*value(" true\n") == true);
  for (const char* bad : {"True", "yes", "", "2", "SECRET"}) {
    BOOST_TEST_CONTEXT(bad) {
      const auto error =
          decode_error(wrap("<Patients><P/><P><IsRepresentative>" + std::string(bad) +
                            "</IsRepresentative></P></Patients>"));
      BOOST_TEST(error.field == "model.Patients[1].IsRepresentative");
      BOOST_TEST(!contains(error.message, "SECRET"));
    }
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_rejected) {
  for (std::string body : {wrap("<Subject>\xFF</Subject>"), wrap("<Subject>\xC0\xAF</Subject>"),
                           wrap("<Subject>\xED\xA0\x80</Subject>"), std::string("<a\xE2\x82/>")}) {
    const auto error = decode_error(body);
    BOOST_TEST(error.field == "model");
    BOOST_TEST(contains(error.message, "UTF-8"));
  }
}

BOOST_AUTO_TEST_CASE(character_references_to_invalid_code_points_are_rejected) {
  for (const char* ref : {"&#0;", "&#x0;", "&#x000;", "&#xD800;", "&#56320;", "&#x110000;",
                          "&#4294967296;", "&#x100000041;"}) {
    BOOST_TEST_CONTEXT(ref) {
      BOOST_TEST(decode_error(wrap("<Subject>a" + std::string(ref) + "b</Subject>")).field ==
                 "model");
    }
  }
  // Not references at all: left as text by the parser.
  BOOST_TEST(*decode_ok(wrap("<Subject>&#; &#x; &#12</Subject>")).subject == "&#; &#x; &#12");
  BOOST_TEST(*decode_ok(wrap("<Subject>&#x10FFFF;&#x1;</Subject>")).subject ==
             "\xF4\x8F\xBF\xBF\x01");
}

BOOST_AUTO_TEST_CASE(malformed_xml_reports_position_not_content) {
  const auto error = decode_error("<OutgoingSecureMessageModel><Subject>SECRET</Body>");
  BOOST_TEST(error.field == "model");
  BOOST_TEST(contains(error.message, "Malformed XML at byte"), error.message);
  BOOST_TEST(!contains(error.message, "SECRET"));
  BOOST_TEST(contains(decode_error("").message, "Malformed XML"));
  BOOST_TEST(contains(decode_error("<OutgoingSecureMessageModel>").message, "Malformed XML"));
  BOOST_TEST(contains(decode_error(std::string("<a>x\0y</a>", 10)).message, "Malformed XML"));
}

BOOST_AUTO_TEST_CASE(root_must_be_the_model) {
  BOOST_TEST(contains(decode_error("<Other/>").message, "root element must be"));
  BOOST_TEST(contains(decode_error(wrap("") + "<Other/>").message, "exactly one root"));
  BOOST_TEST(!decode_ok("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-16\"?>"
                        "<OutgoingSecureMessageModel/>")
                  .subject);
}

BOOST_AUTO_TEST_CASE(billion_laughs_is_rejected_not_expanded) {
  const std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
      " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
      " <!ENTITY lol9 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n]>\n" +
      wrap("<Subject>&lol9;</Subject>");
  const auto error = decode_error(laughs);
  BOOST_TEST(error.field == "model");
  BOOST_TEST(error.message ==
             "XML document type declarations and entity declarations are not accepted.");
}

BOOST_AUTO_TEST_CASE(external_entities_and_any_doctype_are_rejected) {
  const std::string kNoDtd =
      "XML document type declarations and entity declarations are not accepted.";
  const std::string xxe =
      "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + wrap("<Subject>&x;</Subject>");
  BOOST_TEST(decode_error(xxe).message == kNoDtd);
  BOOST_TEST(decode_error("<!doctype OutgoingSecureMessageModel>" + wrap("")).message == kNoDtd);
  BOOST_TEST(
      decode_error("<!DOCTYPE OutgoingSecureMessageModel SYSTEM \"http://x/y.dtd\">" + wrap(""))
          .message == kNoDtd);
  BOOST_TEST(decode_error(wrap("<Subject><!ENTITY x \"y\"></Subject>")).message == kNoDtd);
  // An undeclared entity reference is left as text; nothing is looked up.
  BOOST_TEST(*decode_ok(wrap("<Subject>&x;</Subject>")).subject == "&x;");
}

BOOST_AUTO_TEST_CASE(too_many_list_items_names_the_limit) {
  DecodeLimits limits;
  limits.max_array_items = 2;
  BOOST_TEST(decode_ok(wrap("<Patients><a/><b/></Patients>"), limits).patients->size() == 2u);
  const auto error = decode_error(wrap("<Patients><a/><b/><c/></Patients>"), limits);
  BOOST_TEST(error.field == "model.Patients");
  BOOST_TEST(contains(error.message, "limit of 2 items"));
  BOOST_TEST(decode_error(wrap("<FileData><a/><b/><c/></FileData>"), limits).field ==
             "model.FileData");
}

BOOST_AUTO_TEST_CASE(too_many_elements_are_refused_before_parsing) {
  DecodeLimits limits;
  limits.max_array_items = 2;  // at most 2 * 8 + 256 = 272 '<'
  // wrap() itself holds 2.
  BOOST_TEST(!decode_ok(wrap(repeat("<a/>", 270)), limits).subject);
  const auto error = decode_error(wrap(repeat("<a/>", 271)), limits);
  BOOST_TEST(error.field == "model");
  BOOST_TEST(contains(error.message, "The XML has more than 272 elements"), error.message);
  BOOST_TEST(contains(error.message, "limit of 2 list items"), error.message);
  // Comments count too; escaped text does not.
  BOOST_TEST(decode_error(wrap(repeat("<!---->", 271)), limits).field == "model");
  BOOST_TEST(
      decode_ok(wrap("<Subject>" + repeat("&lt;", 1000) + "</Subject>"), limits).subject->size() ==
      1000u);
}

BOOST_AUTO_TEST_CASE(a_full_dotnet_patient_list_fits_the_element_limit) {
  const DecodeLimits limits;  // 10000 items: 80256 '<'
  const std::string patient =
      "<PatientRecipientModel><ExternalId>P</ExternalId><IsRepresentative>true"
      "</IsRepresentative><RepresentativeExternalId>R</RepresentativeExternalId>"
      "</PatientRecipientModel>";
  std::string members(kHelpPageXml);
  members = members.substr(members.find('>') + 1);
  members.resize(members.size() - std::string_view("</OutgoingSecureMessageModel>").size());
  const auto patients = members.find("<Patients>") + std::string_view("<Patients>").size();
  const auto patients_end = members.find("</Patients>");
  members.replace(patients, patients_end - patients, repeat(patient, limits.max_array_items));
  const auto m = decode_ok(wrap(members));
  BOOST_TEST(m.patients->size() == limits.max_array_items);
  BOOST_TEST(m.file_data->size() == 2u);
}

BOOST_AUTO_TEST_CASE(element_bomb_is_refused_quickly) {
  const std::size_t count = (DecodeLimits{}.max_bytes - 4096) / 4;  // about 8M elements
  const std::string body = wrap(repeat("<a/>", count));
  BOOST_REQUIRE(body.size() <= DecodeLimits{}.max_bytes);
  const auto start = std::chrono::steady_clock::now();
  const auto error = decode_error(body);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(error.field == "model");
  BOOST_TEST(contains(error.message, "more than 80256 elements"), error.message);
  BOOST_TEST(seconds < 0.5);
  BOOST_TEST_MESSAGE("32 MiB element bomb refused in " << seconds << " s");
}

BOOST_AUTO_TEST_CASE(body_over_the_size_limit_is_payload_too_large) {
  DecodeLimits limits;
  limits.max_bytes = 30;
  BOOST_TEST(!!decode_xml("<OutgoingSecureMessageModel/>", limits));
  const auto decoded = decode_xml("<OutgoingSecureMessageModel />  ", limits);
  BOOST_REQUIRE(!decoded);
  BOOST_TEST((decoded.error().kind == ErrorKind::payload_too_large));
}

BOOST_AUTO_TEST_CASE(deep_nesting_does_not_crash) {
  const std::size_t depth = 200000;
  std::string nested;
  nested.reserve(depth * 8);
  for (std::size_t i = 0; i < depth; ++i) nested += "<d>";
  for (std::size_t i = 0; i < depth; ++i) nested += "</d>";
  // The default element limit refuses this many tags before parsing; raise it to reach pugixml.
  BOOST_TEST(contains(decode_error(wrap(nested)).message, "more than 80256 elements"));
  DecodeLimits limits;
  limits.max_array_items = depth;
  const auto m = decode_ok(wrap("<Subject>s</Subject><Unknown>" + nested + "</Unknown>"), limits);
  BOOST_TEST(*m.subject == "s");
  BOOST_TEST(decode_error(wrap("<Subject>" + nested + "</Subject>"), limits).field ==
             "model.Subject");
  BOOST_TEST(decode_error(nested, limits).field == "model");
  // Unclosed: pugixml reports the error at the end without recursing.
  BOOST_TEST(
      contains(decode_error(wrap(nested.substr(0, depth * 3)), limits).message, "Malformed XML"));
}

BOOST_AUTO_TEST_CASE(encodes_nil_empty_and_escaped_members) {
  OutgoingSecureMessageModel m;
  m.subject = "a & <b> \"c\" \x01\x1F\t\n\r end";
  m.patients = std::vector<PatientRecipientModel>{{"p", std::nullopt, std::nullopt}};
  m.file_data = std::vector<FileAttachmentModel>{};
  const std::string expected =
      "<OutgoingSecureMessageModel xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xmlns=\"http://schemas.datacontract.org/2004/07/"
      "GlobalPortal.Api.Models.OutgoingSecureMessages\">\n"
      "<ExternalId xmlns=\"http://schemas.datacontract.org/2004/07/GlobalPortal.Api.Models\" "
      "i:nil=\"true\"/>\n"
      "<Id xmlns=\"http://schemas.datacontract.org/2004/07/GlobalPortal.Api.Models\" "
      "i:nil=\"true\"/>\n"
      "<Body i:nil=\"true\"/>\n<CreationDate i:nil=\"true\"/>\n<FileData/>\n"
      "<FromSecureRecipientExternalId i:nil=\"true\"/>\n<FromSecureRecipientName i:nil=\"true\"/>\n"
      "<Patients>\n<PatientRecipientModel>\n<ExternalId>p</ExternalId>\n"
      "<IsRepresentative>false</IsRepresentative>\n<RepresentativeExternalId i:nil=\"true\"/>\n"
      "</PatientRecipientModel>\n</Patients>\n"
      "<Priority i:nil=\"true\"/>\n<SentDate i:nil=\"true\"/>\n<Status i:nil=\"true\"/>\n"
      "<Subject>a &amp; &lt;b&gt; \"c\" \t\n&#xD; end</Subject>\n"
      "</OutgoingSecureMessageModel>\n";
  BOOST_TEST(encode_xml(m) == expected);
  auto back = decode_ok(encode_xml(m));
  BOOST_TEST(*back.subject == "a & <b> \"c\" \t\n\r end");
  BOOST_TEST(*(*back.patients)[0].is_representative == false);
  BOOST_TEST(contains(encode_xml(OutgoingSecureMessageModel{}), "<Patients i:nil=\"true\"/>\n"));
  BOOST_TEST(contains(encode_xml(OutgoingSecureMessageModel{}), "<FileData i:nil=\"true\"/>\n"));
}

// XML 1.0 cannot carry C0 controls (but tab, LF, CR), U+FFFE or U+FFFF, not even as &#x1;:
// .NET's XmlReader and libxml2 would refuse the whole answer, so the encoder leaves them out.
BOOST_AUTO_TEST_CASE(encoder_drops_characters_xml_cannot_carry) {
  OutgoingSecureMessageModel m;
  m.subject = std::string(
      "a\0b\x01"
      "c\x08"
      "d\x0B\x0C\x1F\x7F e",
      13);
  m.body = "x\xEF\xBF\xBEy\xEF\xBF\xBFz \xEF\xBF\xBD\xEF\xBE\xBF\xEF\xBF\xBC";
  m.patients = std::vector<PatientRecipientModel>{{"p\x02", true, "\x1Br"}};
  m.file_data = std::vector<FileAttachmentModel>{{"f\x7F.txt\x03", "QU\x04JD"}};
  const std::string encoded = encode_xml(m);
  BOOST_TEST(contains(encoded, "<Subject>abcd\x7F e</Subject>\n"), encoded);
  // U+FFFD, U+FFBF and U+FFFC are characters.
  BOOST_TEST(contains(encoded, "<Body>xyz \xEF\xBF\xBD\xEF\xBE\xBF\xEF\xBF\xBC</Body>\n"));
  BOOST_TEST(contains(encoded, "<ExternalId>p</ExternalId>"));
  BOOST_TEST(contains(encoded, "<RepresentativeExternalId>r</RepresentativeExternalId>"));
  BOOST_TEST(contains(encoded, "<FileData>QUJD</FileData>"));
  BOOST_TEST(contains(encoded, "<FileName>f\x7F.txt</FileName>"));
  BOOST_TEST(!contains(encoded, "&#x"));
  for (char c = 0; c < 0x20; ++c) {
    if (c != '\t' && c != '\n') BOOST_TEST(encoded.find(c) == std::string::npos, int(c));
  }
  // Stable: what the encoder wrote decodes to a model that encodes the same.
  BOOST_TEST(encode_xml(decode_ok(encoded)) == encoded);
  // A decoded &#x1; (accepted on input, as .NET's own writer produces it) is not written back.
  const auto decoded = decode_ok(wrap("<Subject>a&#x1;b&#xFFFE;c&#xD;</Subject>"));
  BOOST_TEST(*decoded.subject ==
             "a\x01"
             "b\xEF\xBF\xBE"
             "c\r");
  BOOST_TEST(contains(encode_xml(decoded), "<Subject>abc&#xD;</Subject>"));
  // The error body goes through the same escaping.
  BOOST_TEST(encode_error_xml(domain::RequestError::plain(ErrorKind::bad_request, "a\x01\rb")) ==
             "<Error><Message>a&#xD;b</Message></Error>");
}

BOOST_AUTO_TEST_CASE(encode_then_decode_round_trips) {
  OutgoingSecureMessageModel m;
  m.external_id = "E";
  m.id = "";
  m.body = "  leading and trailing  ";
  m.subject = "\xF0\x9F\x98\x80 ]]> &amp;";
  m.status = " ";
  m.patients = std::vector<PatientRecipientModel>{{"a", true, ""}, {std::nullopt, false, "r"}};
  m.file_data = std::vector<FileAttachmentModel>{{"f.txt", "QUJD"}, {std::nullopt, ""}};
  BOOST_TEST((decode_ok(encode_xml(m)) == m));
  const auto json_sample = decode_json(read_sample("message.json"));
  BOOST_REQUIRE(!!json_sample);
  BOOST_TEST((decode_ok(encode_xml(json_sample.value())) == json_sample.value()));
}

BOOST_AUTO_TEST_CASE(error_body) {
  domain::RequestError error;
  error.fields = {{"model.Subject", "The Subject field is required."},
                  {"model.Patients[0].ExternalId", "Bad <id> & more."}};
  BOOST_TEST(encode_error_xml(error) ==
             "<Error><Message>The request is invalid.</Message><ModelState>"
             "<Entry><Key>model.Subject</Key><Value>The Subject field is required.</Value></Entry>"
             "<Entry><Key>model.Patients[0].ExternalId</Key><Value>Bad &lt;id&gt; &amp; more."
             "</Value></Entry></ModelState></Error>");
  BOOST_TEST(
      encode_error_xml(domain::RequestError::plain(ErrorKind::payload_too_large, "Too big.")) ==
      "<Error><Message>Too big.</Message></Error>");
}

BOOST_AUTO_TEST_CASE(decodes_32_mib_of_attachments_quickly) {
  const std::size_t base64_size = 32 * 1024 * 1024 - 4096;
  std::string body = wrap("<ExternalId>E</ExternalId><FileData><FileAttachmentModel><FileData>");
  body.resize(body.size() - std::string_view("</OutgoingSecureMessageModel>").size());
  body.append(base64_size, 'A');
  body +=
      "</FileData><FileName>big.bin</FileName></FileAttachmentModel></FileData>"
      "</OutgoingSecureMessageModel>";
  BOOST_REQUIRE(body.size() <= DecodeLimits{}.max_bytes);
  const auto start = std::chrono::steady_clock::now();
  const auto m = decode_ok(body);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  BOOST_TEST((*m.file_data)[0].file_data->size() == base64_size);
  BOOST_TEST(std::chrono::duration<double>(elapsed).count() < 1.0);
  BOOST_TEST_MESSAGE("32 MiB XML decode: " << std::chrono::duration<double>(elapsed).count()
                                           << " s");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace relay::portal
