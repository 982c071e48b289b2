// Integration tests of POST /api/OutgoingSecureMessages with application/x-www-form-urlencoded
// bodies (the portal's third request format): jQuery and MVC key styles, answers, and bad forms.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/api/gateway_fixture.hpp"

using namespace relay::testing;

namespace {

const std::string messages_path = "/api/OutgoingSecureMessages";

// jQuery's default Content-Type for $.ajax with a data object.
const std::map<std::string, std::string> form_headers{
    {"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"}};

// $.param(JSON.parse(message.json)) as $.ajax posts it (encodeURIComponent, then %20 as '+').
const std::string jquery_help_page_sample =
    "fromSecureRecipientExternalId=DR-100&fromSecureRecipientName=Dr.+Ana+Ruiz"
    "&patients%5B0%5D%5BexternalId%5D=PAT-4711&patients%5B0%5D%5BisRepresentative%5D=false"
    "&patients%5B0%5D%5BrepresentativeExternalId%5D=&patients%5B1%5D%5BexternalId%5D=PAT-4712"
    "&patients%5B1%5D%5BisRepresentative%5D=true"
    "&patients%5B1%5D%5BrepresentativeExternalId%5D=REP-88&subject=Referral+-+cardiology"
    "&body=Please+review+the+attached+referral+for+cardiology+consultation.&status=Sent"
    "&priority=High&fileData%5B0%5D%5BfileName%5D=referral.pdf&fileData%5B0%5D%5BfileData%5D="
    "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAx"
    "IDAgUj4%2BCiUlRU9GCg%3D%3D&id=&externalId=MSG-0001";

// ASP.NET MVC's dotted names, as a hand-built or HttpClient form writes them.
const std::string mvc_form =
    "ExternalId=MSG-MVC-1&FromSecureRecipientExternalId=DR-100&FromSecureRecipientName=Front+desk"
    "&Patients%5B0%5D.ExternalId=PAT-1&Patients%5B0%5D.IsRepresentative=False"
    "&Patients[1].ExternalId=PAT-2&Patients[1].IsRepresentative=True"
    "&Patients[1].RepresentativeExternalId=REP-2&Subject=Appointment%20reminder"
    "&Body=See%20you%20on%20Monday%2C%209%3A00.&Status=Draft&Priority=Normal"
    "&FileData[0].FileName=note.txt&FileData[0].FileData=aGVsbG8gd29ybGQ%3D";

std::string text_of(const boost::json::object& object, const char* key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

// The modelState messages under key, joined (empty when the key is absent).
std::string model_state(const HttpResult& answer, const std::string& key) {
  boost::system::error_code error;
  const auto json = boost::json::parse(answer.body, error);
  if (error || !json.is_object()) return {};
  const auto* state = json.as_object().if_contains("modelState");
  if (state == nullptr || !state->is_object() || !state->as_object().contains(key)) return {};
  std::string joined;
  for (const auto& message : state->as_object().at(key).as_array()) {
    joined += std::string(message.as_string()) + "\n";
  }
  return joined;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(form_bodies, GatewayFixture)

BOOST_AUTO_TEST_CASE(a_jquery_form_is_the_same_message_as_its_json) {
  auto client = client_for(add_vendor("acme"));
  const auto answer = client.post(messages_path, jquery_help_page_sample, form_headers);
  BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
  BOOST_TEST(answer.header("Content-Type").starts_with("application/json"));
  const auto posted = parse_json(answer.body).as_object();
  BOOST_TEST(text_of(posted, "externalId") == "MSG-0001");
  BOOST_TEST(text_of(posted, "fromSecureRecipientName") == "Dr. Ana Ruiz");
  BOOST_TEST(text_of(posted, "status") == "Draft");  // Sent only once delivered
  const auto& patients = posted.at("patients").as_array();
  BOOST_REQUIRE_EQUAL(patients.size(), 2u);
  BOOST_TEST(patients.at(1).at("isRepresentative").as_bool());
  BOOST_TEST(text_of(patients.at(1).as_object(), "representativeExternalId") == "REP-88");
  // The attachment's bytes survive ('+' sent as %2B in the base64).
  const auto original = parse_json(sample("message.json")).at("fileData").as_array().at(0);
  BOOST_TEST(posted.at("fileData").as_array().at(0).at("fileData").as_string() ==
             original.at("fileData").as_string());

  const auto read = client.get(messages_path + "?externalId=MSG-0001");
  BOOST_TEST(read.status == 200);
  BOOST_TEST(read.body == answer.body);
  // The JSON of the same message is an identical re-post: same answer, nothing new stored.
  const auto json = client.post(messages_path, sample("message.json"));
  BOOST_TEST(json.status == 200, json.body);
  BOOST_TEST(json.body == answer.body);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 1);
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'queued'") == 2);
  BOOST_TEST(count("SELECT count(*) FROM attachments WHERE content_type = 'application/pdf'") == 1);
}

BOOST_AUTO_TEST_CASE(mvc_dotted_names_are_stored_and_read_back) {
  auto client = client_for(add_vendor("acme"));
  const auto answer =
      client.post(messages_path, mvc_form, {{"Content-Type", "application/x-www-form-urlencoded"}});
  BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
  const auto posted = parse_json(answer.body).as_object();
  BOOST_TEST(text_of(posted, "externalId") == "MSG-MVC-1");
  BOOST_TEST(text_of(posted, "fromSecureRecipientName") == "Front desk");
  BOOST_TEST(text_of(posted, "subject") == "Appointment reminder");
  BOOST_TEST(text_of(posted, "body") == "See you on Monday, 9:00.");
  const auto& patients = posted.at("patients").as_array();
  BOOST_REQUIRE_EQUAL(patients.size(), 2u);
  BOOST_TEST(text_of(patients.at(0).as_object(), "externalId") == "PAT-1");
  BOOST_TEST(!patients.at(0).at("isRepresentative").as_bool());
  BOOST_TEST(text_of(patients.at(1).as_object(), "representativeExternalId") == "REP-2");
  const auto& file = posted.at("fileData").as_array().at(0).as_object();
  BOOST_TEST(text_of(file, "fileName") == "note.txt");
  BOOST_TEST(text_of(file, "fileData") == "aGVsbG8gd29ybGQ=");
  BOOST_TEST(client.get(messages_path + "?externalId=MSG-MVC-1").body == answer.body);
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'draft'") == 2);
}

BOOST_AUTO_TEST_CASE(the_answer_is_xml_when_accept_asks_for_it) {
  auto client = client_for(add_vendor("acme"));
  auto headers = form_headers;
  headers["Accept"] = "application/xml";
  const auto answer = client.post(messages_path, mvc_form, headers);
  BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
  BOOST_TEST(answer.header("Content-Type").starts_with("application/xml"));
  BOOST_TEST(answer.body.starts_with("<OutgoingSecureMessageModel"), answer.body.substr(0, 80));
  BOOST_TEST(answer.body.find("<ExternalId xmlns=\"http://schemas.datacontract.org/2004/07/"
                              "GlobalPortal.Api.Models\">MSG-MVC-1</ExternalId>") !=
             std::string::npos);
  // Errors follow Accept too; a form is never an answer format.
  const auto bad = client.post(messages_path, "Subject=a&Subject=b", headers);
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.body.starts_with("<Error>"), bad.body);
  BOOST_TEST(bad.body.find("<Key>model.Subject</Key>") != std::string::npos, bad.body);
  headers["Accept"] = "application/x-www-form-urlencoded";
  BOOST_TEST(client.post(messages_path, mvc_form, headers).status == 406);
}

BOOST_AUTO_TEST_CASE(malformed_forms_are_400_naming_the_key_and_store_nothing) {
  auto client = client_for(add_vendor("acme"));
  struct Case {
    std::string body;
    std::string key;       // modelState key
    std::string fragment;  // in its message
  };
  const std::string base =
      "ExternalId=M1&FromSecureRecipientExternalId=DR-100&Subject=s&Body=b&Status=Sent";
  const Case cases[] = {
      {base + "&Patients[0][ExternalId]=PHI-VALUE%zz", "model.Patients[0].ExternalId",
       "the form key Patients[0][ExternalId] is not valid percent-encoding"},
      {base + "&Patients[0][ExternalId]=PHI-VALUE%FF", "model.Patients[0].ExternalId", "UTF-8"},
      {base + "&Patients[0][ExternalId]=PHI%00VALUE", "model.Patients[0].ExternalId", "NUL"},
      {base + "&Patients[1][ExternalId]=PHI-VALUE", "model.Patients",
       "The form key Patients[1][ExternalId] skips an index"},
      {base + "&Patients[x][ExternalId]=PHI-VALUE", "model.Patients", "not a whole number"},
      {base + "&Patients[-1][ExternalId]=PHI-VALUE", "model.Patients", "not a whole number"},
      {base + "&Patients[99999999999][ExternalId]=PHI-VALUE", "model.Patients",
       "more than the limit of"},
      {base + "&Subject=PHI-VALUE", "model.Subject", "The form key Subject appears more than once"},
      {base + "&Patients=PHI-VALUE&Patients[0][ExternalId]=p", "model.Patients", "is a list"},
      {base + "&Patients[0][ExternalId][0]=PHI-VALUE", "model.Patients[0]",
       "does not have the shape"},
      {base + "&Sub%zzject=PHI-VALUE", "model", "pair 6"},
  };
  for (const auto& [body, key, fragment] : cases) {
    BOOST_TEST_CONTEXT(body) {
      const auto answer = client.post(messages_path, body, form_headers);
      BOOST_TEST(answer.status == 400);
      BOOST_TEST(model_state(answer, key).find(fragment) != std::string::npos, answer.body);
      BOOST_TEST(answer.body.find("PHI") == std::string::npos, answer.body);
    }
  }
  // A well-formed form goes through the same validation as JSON, with the same keys.
  const auto invalid =
      client.post(messages_path,
                  "ExternalId=M2&Subject=s&Body=b&Status=Sent&Patients[0][ExternalId]=P"
                  "&Patients[1][ExternalId]=P",
                  form_headers);
  BOOST_TEST(invalid.status == 400);
  BOOST_TEST(!model_state(invalid, "model.FromSecureRecipientExternalId").empty(), invalid.body);
  BOOST_TEST(!model_state(invalid, "model.Patients[1].ExternalId").empty(), invalid.body);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 0);
  BOOST_TEST(gateway->running());
}

BOOST_AUTO_TEST_SUITE_END()
