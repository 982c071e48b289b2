// Integration tests of hostile and broken input against the real gateway: a specific 4xx in the
// portal's error shape, never a 5xx or a crash, and the message stored before stays unchanged.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/api/gateway_fixture.hpp"

using namespace relay::testing;

namespace {

std::string field_errors(const HttpResult& answer) {
  return answer.body;  // shown in failure messages
}

// True when the portal error (JSON modelState, or our XML form of it) names the field.
bool names_field(const HttpResult& answer, const std::string& field) {
  if (answer.body.starts_with("<Error>")) {
    return answer.body.find("<Key>" + field + "</Key>") != std::string::npos;
  }
  boost::system::error_code error;
  const auto json = boost::json::parse(answer.body, error);
  if (error || !json.is_object()) return false;
  const auto* state = json.as_object().if_contains("modelState");
  return state && state->is_object() && state->as_object().contains(field);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(bad_input, GatewayFixture)

BOOST_AUTO_TEST_CASE(every_bad_input_gets_a_specific_4xx_and_nothing_stored_changes) {
  auto client = client_for(add_vendor("acme"));
  const auto stored = client.post("/api/OutgoingSecureMessages", sample("message.json"));
  BOOST_TEST_REQUIRE(stored.status == 200);
  const auto messages_before = count("SELECT count(*) FROM messages");
  const std::string json_path = "/api/OutgoingSecureMessages";
  const std::map<std::string, std::string> xml{{"Content-Type", "application/xml"}};

  struct Case {
    const char* name;
    std::string body;
    std::map<std::string, std::string> headers;
    int status;
    const char* field;  // expected modelState key, or nullptr
  };
  auto deep = std::string(5000, '[') + std::string(5000, ']');
  auto valid = parse_json(sample("message.json")).as_object();
  auto with = [&](const char* key, boost::json::value value) {
    auto copy = valid;
    copy[key] = std::move(value);
    return boost::json::serialize(copy);
  };
  const std::vector<Case> cases = {
      {"malformed JSON", R"({"externalId": "MSG-0001",)", {}, 400, "model"},
      {"JSON array root", "[]", {}, 400, "model"},
      {"deep nesting", R"({"unknownProperty":)" + deep + "}", {}, 400, "model"},
      {"nesting in a known field", R"({"externalId":)" + deep + "}", {}, 400, "model.ExternalId"},
      {"invalid UTF-8", "{\"externalId\":\"MSG-0001\",\"subject\":\"\xC3\x28\"}", {}, 400, "model"},
      {"huge number", with("externalId", boost::json::value(1e300)), {}, 400, "model.ExternalId"},
      {"huge integer literal",
       R"({"externalId": 123456789012345678901234567890123})",
       {},
       400,
       "model.ExternalId"},
      {"empty patients", with("patients", boost::json::array{}), {}, 400, "model.Patients"},
      {"duplicate patients",
       with("patients", boost::json::array{boost::json::object{{"externalId", "P1"}},
                                           boost::json::object{{"externalId", "P1"}}}),
       {},
       400,
       "model.Patients[1].ExternalId"},
      {"wrong type", with("patients", "PAT-1"), {}, 400, "model.Patients"},
      {"bad base64",
       with("fileData",
            boost::json::array{boost::json::object{{"fileName", "a.pdf"}, {"fileData", "%%%"}}}),
       {},
       400,
       "model.FileData[0].FileData"},
      {"bad enum", with("status", "Queued"), {}, 400, "model.Status"},
      {"NUL in body",
       with("body", boost::json::string(std::string("a\0b", 3))),
       {},
       400,
       "model.Body"},
      {"wrong content type",
       sample("message.json"),
       {{"Content-Type", "text/plain"}},
       415,
       nullptr},
      {"missing content type", sample("message.json"), {{"Content-Type", ""}}, 415, nullptr},
      {"XML with DTD",
       "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
       "<OutgoingSecureMessageModel><Subject>&b;</Subject></OutgoingSecureMessageModel>",
       xml, 400, "model"},
      {"XML external entity",
       "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><OutgoingSecureMessageModel>"
       "<Body>&x;</Body></OutgoingSecureMessageModel>",
       xml, 400, "model"},
      {"malformed XML", "<OutgoingSecureMessageModel><Body>", xml, 400, "model"},
      {"wrong XML root", "<Message/>", xml, 400, "model"},
      {"XML in JSON clothing", sample("message.xml"), {}, 400, "model"},
  };
  for (const auto& test : cases) {
    BOOST_TEST_CONTEXT(test.name) {
      const auto answer = client.post(json_path, test.body, test.headers);
      BOOST_TEST(answer.status == test.status, field_errors(answer));
      if (test.field) BOOST_TEST(names_field(answer, test.field), field_errors(answer));
      BOOST_TEST((answer.body.find("\"message\"") != std::string::npos ||
                  answer.body.find("<Message>") != std::string::npos));
    }
  }

  // Query values PostgreSQL cannot store (invalid UTF-8, NUL) are refused, not passed on.
  for (const auto* target : {"/api/OutgoingSecureMessages?externalId=%FF",
                             "/api/OutgoingSecureMessages?externalId=MSG-0001%00zzz",
                             "/api/outgoingSecureMessages/search?subject=%C3%28"}) {
    BOOST_TEST_CONTEXT(target) {
      BOOST_TEST(client.get(target).status == 400);
    }
  }
  auto anonymous = anonymous_client();
  const auto token = anonymous.post("/token", "grant_type=password&username=%FF&password=x",
                                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  BOOST_TEST(token.status == 400);
  BOOST_TEST(token.body.find("invalid_request") != std::string::npos);

  // Oversized body: the limit is 2 MiB in the fixture's config.
  const auto oversized = client.post(json_path, std::string(3 * 1024 * 1024, ' '));
  BOOST_TEST(oversized.status == 413);
  client.close();

  // Garbage that is not HTTP at all.
  const auto raw = client.send_raw("\x16\x03\x01 not http\r\n\r\n");
  BOOST_TEST(raw.find("400") != std::string::npos);

  // Nothing stored before changed, and the gateway still serves.
  BOOST_TEST(count("SELECT count(*) FROM messages") == messages_before);
  BOOST_TEST(client.get("/api/OutgoingSecureMessages?externalId=MSG-0001").body == stored.body);
  BOOST_TEST(gateway->running());
}

BOOST_AUTO_TEST_CASE(no_route_for_the_sender_is_422) {
  gateway.reset();
  GatewayFixture strict(
      R"({"routes": {"DR-100": {"destination": "intake@x.direct.example.org"}}})");
  auto client = strict.client_for(strict.add_vendor("acme"));
  BOOST_TEST(client.post("/api/OutgoingSecureMessages", sample("message.json")).status == 200);
  const auto answer = client.post("/api/OutgoingSecureMessages", sample("message-integrator.json"));
  BOOST_TEST(answer.status == 422);
  BOOST_TEST(names_field(answer, "model.FromSecureRecipientExternalId"));
  // The field is named, its value (the sender ID, here 12) is not echoed.
  const auto sender =
      parse_json(sample("message-integrator.json")).as_object().at("fromSecureRecipientExternalId");
  const std::string sender_text =
      sender.is_string() ? std::string(sender.as_string()) : boost::json::serialize(sender);
  BOOST_TEST(answer.body.find("'" + sender_text + "'") == std::string::npos, answer.body);
  BOOST_TEST(answer.body.find("sender " + sender_text) == std::string::npos, answer.body);
  BOOST_TEST(strict.count("SELECT count(*) FROM messages") == 1);
}

BOOST_AUTO_TEST_CASE(limits_name_the_limit) {
  auto client = client_for(add_vendor("acme"));
  auto message = parse_json(sample("message.json")).as_object();
  boost::json::array files;
  for (int i = 0; i < 7; ++i) {
    std::string file_name = "f";  // built stepwise: GCC 12 warns falsely (-Wrestrict) on "f" + ...
    file_name += std::to_string(i);
    file_name += ".txt";
    files.push_back(boost::json::object{{"fileName", file_name}, {"fileData", "SGVsbG8="}});
  }
  message["fileData"] = files;
  auto answer = client.post("/api/OutgoingSecureMessages", boost::json::serialize(message));
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(answer.body.find("at most 6") != std::string::npos, answer.body);

  message["fileData"] = boost::json::array{};
  message["subject"] = std::string(300, 's');
  answer = client.post("/api/OutgoingSecureMessages", boost::json::serialize(message));
  BOOST_TEST(answer.status == 400);
  BOOST_TEST(names_field(answer, "model.Subject"));
  BOOST_TEST(count("SELECT count(*) FROM messages") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
