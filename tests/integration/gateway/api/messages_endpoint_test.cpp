// Integration tests of POST/GET /api/OutgoingSecureMessages with the real gateway and PostgreSQL:
// samples in JSON and XML, idempotency, Drafts, 409, tenant isolation, routing, restart.
#include <csignal>
#include <thread>

#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/api/gateway_fixture.hpp"

using namespace relay::testing;

namespace {

const std::map<std::string, std::string> xml_headers{{"Content-Type", "application/xml"}};

bool is_guid(const std::string& text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return text != "00000000-0000-0000-0000-000000000000";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(messages_endpoint, GatewayFixture)

BOOST_AUTO_TEST_CASE(json_samples_are_stored_and_read_back) {
  auto client = client_for(add_vendor("acme"));
  for (const auto* file :
       {"message.json", "message-pascal.json", "message-integrator.json", "message-draft.json"}) {
    BOOST_TEST_CONTEXT(file) {
      const auto answer = client.post("/api/OutgoingSecureMessages", sample(file));
      BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
      BOOST_TEST(answer.header("Content-Type").starts_with("application/json"));
      const auto posted = parse_json(answer.body).as_object();
      BOOST_TEST(is_guid(std::string(posted.at("id").as_string())));
      BOOST_TEST(posted.at("status").as_string() == "Draft");  // Sent only once delivered
      BOOST_TEST(posted.at("creationDate").as_string().size() == 33u);
      BOOST_TEST(posted.at("sentDate").is_null());

      const auto external_id = std::string(posted.at("externalId").as_string());
      const auto read = client.get("/api/OutgoingSecureMessages?externalId=" + external_id);
      BOOST_TEST(read.status == 200);
      BOOST_TEST(read.body == answer.body);
    }
  }
  BOOST_TEST(count("SELECT count(*) FROM messages") == 4);
  // message.json has two patients: two deliveries, queued; the draft's one delivery is a draft.
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'queued'") == 4);
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'draft'") == 1);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE entity_type = 'message'") == 4);
}

BOOST_AUTO_TEST_CASE(integrator_quirks_are_accepted_and_kept) {
  auto client = client_for(add_vendor("acme"));
  const auto answer = client.post("/api/OutgoingSecureMessages", sample("message-integrator.json"));
  BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
  const auto posted = parse_json(answer.body).as_object();
  BOOST_TEST(posted.at("externalId").as_string() == "5501");
  BOOST_TEST(posted.at("fromSecureRecipientExternalId").as_string() == "12");
  BOOST_TEST(posted.at("fromSecureRecipientName").as_string() == "Smith, John");
  const auto& patient = posted.at("patients").as_array().at(0).as_object();
  BOOST_TEST(patient.at("isRepresentative").as_bool());
  BOOST_TEST(patient.at("representativeExternalId").as_string() == "88");
}

BOOST_AUTO_TEST_CASE(attachments_round_trip_byte_for_byte) {
  auto client = client_for(add_vendor("acme"));
  const auto answer = client.post("/api/OutgoingSecureMessages", sample("message.json"));
  BOOST_TEST_REQUIRE(answer.status == 200);
  const auto posted = parse_json(answer.body).as_object();
  const auto& file = posted.at("fileData").as_array().at(0).as_object();
  BOOST_TEST(file.at("fileName").as_string() == "referral.pdf");
  const auto original = parse_json(sample("message.json")).at("fileData").as_array().at(0);
  BOOST_TEST(file.at("fileData").as_string() == original.at("fileData").as_string());
  BOOST_TEST(count("SELECT count(*) FROM attachments WHERE content_type = 'application/pdf'") == 1);
}

BOOST_AUTO_TEST_CASE(xml_sample_answers_in_datacontract_xml) {
  auto client = client_for(add_vendor("acme"));
  const auto answer =
      client.post("/api/OutgoingSecureMessages", sample("message.xml"), xml_headers);
  BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
  BOOST_TEST(answer.header("Content-Type").starts_with("application/xml"));
  const std::string root =
      R"(<OutgoingSecureMessageModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" )"
      R"(xmlns="http://schemas.datacontract.org/2004/07/GlobalPortal.Api.Models.OutgoingSecureMessages">)";
  BOOST_TEST(
      answer.body.starts_with(root +
                              "\n<ExternalId xmlns=\"http://schemas.datacontract.org/"
                              "2004/07/GlobalPortal.Api.Models\">MSG-0004</ExternalId>\n<Id "));
  BOOST_TEST(answer.body.find("<Status>Draft</Status>\n<Subject>Imaging report</Subject>") !=
             std::string::npos);
  BOOST_TEST(answer.body.find("<FileData>SGVsbG8sIGNhcmRpb2xvZ3kh</FileData>") !=
             std::string::npos);
  BOOST_TEST(answer.body.find("00000000-0000-0000-0000-000000000000") == std::string::npos);

  // Read back in XML by Accept, and in JSON by default.
  auto read = client.get("/api/OutgoingSecureMessages?externalId=MSG-0004",
                         {{"Accept", "application/xml"}});
  BOOST_TEST(read.body == answer.body);
  read = client.get("/api/OutgoingSecureMessages?externalId=MSG-0004");
  BOOST_TEST(parse_json(read.body).at("subject").as_string() == "Imaging report");
}

BOOST_AUTO_TEST_CASE(accept_chooses_the_answer_format) {
  auto client = client_for(add_vendor("acme"));
  auto answer = client.post("/api/OutgoingSecureMessages", sample("message.xml"),
                            {{"Content-Type", "text/xml"}, {"Accept", "application/json"}});
  BOOST_TEST_REQUIRE(answer.status == 200);
  BOOST_TEST(parse_json(answer.body).at("externalId").as_string() == "MSG-0004");
  answer = client.post("/api/OutgoingSecureMessages", sample("message-pascal.json"),
                       {{"Accept", "text/html"}});
  BOOST_TEST(answer.status == 406);
  BOOST_TEST(count("SELECT count(*) FROM messages WHERE external_id = 'MSG-0002'") == 0);
}

BOOST_AUTO_TEST_CASE(identical_repost_is_idempotent) {
  auto client = client_for(add_vendor("acme"));
  const auto first = client.post("/api/OutgoingSecureMessages", sample("message.json"));
  BOOST_TEST_REQUIRE(first.status == 200);
  const auto second = client.post("/api/OutgoingSecureMessages", sample("message.json"));
  BOOST_TEST(second.status == 200);
  BOOST_TEST(second.body == first.body);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 1);
  BOOST_TEST(count("SELECT count(*) FROM deliveries") == 2);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE entity_type = 'message'") == 1);
}

BOOST_AUTO_TEST_CASE(draft_is_updated_then_promoted_then_frozen) {
  auto client = client_for(add_vendor("acme"));
  auto draft = parse_json(sample("message-draft.json")).as_object();
  auto answer = client.post("/api/OutgoingSecureMessages", boost::json::serialize(draft));
  BOOST_TEST_REQUIRE(answer.status == 200);
  const auto id = parse_json(answer.body).at("id");
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'draft'") == 1);

  draft["body"] = "Work in progress, second version.";
  draft["patients"].as_array().push_back(
      boost::json::object{{"externalId", "PAT-9"}, {"isRepresentative", false}});
  answer = client.post("/api/OutgoingSecureMessages", boost::json::serialize(draft));
  BOOST_TEST_REQUIRE(answer.status == 200);
  BOOST_TEST(parse_json(answer.body).at("id") == id);
  BOOST_TEST(parse_json(answer.body).at("body").as_string() == "Work in progress, second version.");
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'draft'") == 2);
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'queued'") == 0);

  draft["status"] = "Sent";
  answer = client.post("/api/OutgoingSecureMessages", boost::json::serialize(draft));
  BOOST_TEST_REQUIRE(answer.status == 200);
  BOOST_TEST(parse_json(answer.body).at("id") == id);
  BOOST_TEST(parse_json(answer.body).at("status").as_string() == "Draft");
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'queued'") == 2);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 1);

  const auto queued = answer.body;
  draft["body"] = "Changed after queueing.";
  answer = client.post("/api/OutgoingSecureMessages", boost::json::serialize(draft));
  BOOST_TEST(answer.status == 409);
  BOOST_TEST(parse_json(answer.body).at("modelState").as_object().contains("model.ExternalId"));
  draft["body"] = "Work in progress, second version.";
  draft["status"] = "Draft";
  BOOST_TEST(client.post("/api/OutgoingSecureMessages", boost::json::serialize(draft)).status ==
             409);
  BOOST_TEST(client.get("/api/OutgoingSecureMessages?externalId=MSG-0003").body == queued);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE event = 'message.draft_promoted'") ==
             1);
}

BOOST_AUTO_TEST_CASE(vendors_never_see_each_others_messages) {
  auto acme = client_for(add_vendor("acme"));
  auto other = client_for(add_vendor("other"));
  const auto posted = acme.post("/api/OutgoingSecureMessages", sample("message.json"));
  BOOST_TEST_REQUIRE(posted.status == 200);
  BOOST_TEST(other.get("/api/OutgoingSecureMessages?externalId=MSG-0001").status == 404);
  const auto search = other.get("/api/outgoingSecureMessages/search");
  BOOST_TEST(parse_json(search.body).at("totalItems").as_int64() == 0);
  // The same ExternalId at another vendor is that vendor's own message, not a conflict.
  auto changed = parse_json(sample("message.json")).as_object();
  changed["body"] = "Another vendor's text.";
  const auto theirs = other.post("/api/OutgoingSecureMessages", boost::json::serialize(changed));
  BOOST_TEST(theirs.status == 200);
  BOOST_TEST(parse_json(theirs.body).at("id") != parse_json(posted.body).at("id"));
  BOOST_TEST(acme.get("/api/OutgoingSecureMessages?externalId=MSG-0001").body == posted.body);
}

BOOST_AUTO_TEST_CASE(each_vendor_routes_its_own_senders) {
  gateway.reset();
  GatewayFixture routed(R"({"routes": {"DR-100": {"destination": "global@x.direct.example.org"}},
                            "vendors": {"acme": {"routes": {"DR-100":
                                        {"destination": "acme@x.direct.example.org"}}}}})");
  auto acme = routed.client_for(routed.add_vendor("acme"));
  auto other = routed.client_for(routed.add_vendor("other"));
  BOOST_TEST_REQUIRE(acme.post("/api/OutgoingSecureMessages", sample("message.json")).status ==
                     200);
  BOOST_TEST_REQUIRE(other.post("/api/OutgoingSecureMessages", sample("message.json")).status ==
                     200);
  BOOST_TEST(
      routed.count("SELECT count(*) FROM messages m JOIN vendors v ON v.id = m.vendor_id "
                   "WHERE v.name = 'acme' AND m.destination = 'acme@x.direct.example.org'") == 1);
  BOOST_TEST(routed.count(
                 "SELECT count(*) FROM messages m JOIN vendors v ON v.id = m.vendor_id "
                 "WHERE v.name = 'other' AND m.destination = 'global@x.direct.example.org'") == 1);
}

BOOST_AUTO_TEST_CASE(paths_and_parameter_names_are_case_insensitive) {
  auto client = client_for(add_vendor("acme"));
  BOOST_TEST_REQUIRE(client.post("/API/outgoingsecuremessages", sample("message.json")).status ==
                     200);
  BOOST_TEST(client.get("/api/OUTGOINGSECUREMESSAGES?ExternalID=MSG-0001").status == 200);
  BOOST_TEST(client.get("/api/OutgoingSecureMessages?externalId=MSG-9999").status == 404);
  BOOST_TEST(client.get("/api/OutgoingSecureMessages").status == 400);
  BOOST_TEST(client.get("/api/Nothing").status == 404);
}

BOOST_AUTO_TEST_CASE(concurrent_first_posts_store_one_message) {
  const auto vendor = add_vendor("acme");
  const auto token = token_for(vendor);
  std::vector<int> statuses(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", gateway->port());
      statuses[i] = client
                        .post("/api/OutgoingSecureMessages", sample("message.json"),
                              {{"Authorization", "Bearer " + token}})
                        .status;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int status : statuses) BOOST_TEST(status == 200);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 1);
  BOOST_TEST(count("SELECT count(*) FROM deliveries") == 2);
}

BOOST_AUTO_TEST_CASE(data_survives_a_gateway_restart) {
  const auto vendor = add_vendor("acme");
  std::string before;
  {
    auto client = client_for(vendor);
    const auto answer = client.post("/api/OutgoingSecureMessages", sample("message.json"));
    BOOST_TEST_REQUIRE(answer.status == 200);
    before = answer.body;
  }
  restart();
  auto client = client_for(vendor);
  BOOST_TEST(client.get("/api/OutgoingSecureMessages?externalId=MSG-0001").body == before);
}

BOOST_AUTO_TEST_CASE(sigterm_stops_the_gateway_cleanly) {
  auto client = client_for(add_vendor("acme"));
  BOOST_TEST_REQUIRE(client.post("/api/OutgoingSecureMessages", sample("message.json")).status ==
                     200);
  gateway->signal(SIGTERM);
  const auto code = gateway->wait_for_exit(std::chrono::seconds(15));
  BOOST_TEST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 0);
  BOOST_TEST(gateway->log_text().find("gateway.stopped") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
