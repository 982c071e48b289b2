// Integration tests of what Metriport receives: one send per patient with its own uploaded
// documents, the body overflow document, attachment splitting, and an unknown patient's dead end.
#include <map>
#include <set>

#include <boost/test/unit_test.hpp>

#include "gateway/domain/digest.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

boost::json::object parse_object(std::string_view text) {
  return boost::json::parse(text).as_object();
}

std::string text_of(const boost::json::value& value) {
  return std::string(value.as_string());
}

// The send bodies the simulator accepted, parsed, by Metriport patient id.
std::multimap<std::string, boost::json::object> accepted_sends(SimulatorProcess& simulator) {
  std::multimap<std::string, boost::json::object> sends;
  const auto received = simulator.received();
  for (const auto& send : received.at("sends").as_array()) {
    const auto& object = send.as_object();
    if (object.at("outcome").as_string() != "accepted") continue;
    sends.emplace(text_of(object.at("patientId")), parse_object(object.at("rawBody").as_string()));
  }
  return sends;
}

std::map<std::string, boost::json::object> documents_by_id(SimulatorProcess& simulator) {
  std::map<std::string, boost::json::object> documents;
  const auto received = simulator.received();
  for (const auto& document : received.at("documents").as_array()) {
    documents[text_of(document.at("id"))] = document.as_object();
  }
  return documents;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(relay_translation)

BOOST_AUTO_TEST_CASE(three_patients_two_attachments_become_three_sends_with_own_documents) {
  RelayFixture relay;
  TestMessage message{"TR-1", {"P-301", "P-302", "P-303"}};
  message.files = {{"referral.pdf", "%PDF-1.4 referral"}, {"labs.txt", "potassium 4.1"}};
  relay.post(message);
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 3, 20s));

  const auto sends = accepted_sends(relay.simulator);
  BOOST_TEST(sends.size() == 3u);
  const auto documents = documents_by_id(relay.simulator);
  BOOST_TEST(documents.size() == 6u);  // each patient uploads each file once
  std::set<std::string> patients;
  std::set<std::string> used_documents;
  for (const auto& [patient, body] : sends) {
    patients.insert(patient);
    BOOST_TEST(text_of(body.at("subject")) == "Relay test");
    BOOST_TEST(text_of(body.at("body")) == "Hello from the relay test.");
    BOOST_TEST(text_of(body.at("destination")) == "2.16.840.1.113883.3.9621");
    BOOST_TEST(!body.contains("intendedRecipientNpi"));  // the DR-100 route has none
    const auto& attachments = body.at("attachments").as_array();
    BOOST_REQUIRE(attachments.size() == 2u);
    std::set<std::string> hashes;
    for (const auto& id : attachments) {
      const auto& document = documents.at(text_of(id));
      BOOST_TEST(text_of(document.at("patientId")) == patient);
      BOOST_TEST(document.at("uploaded").as_bool());
      hashes.insert(text_of(document.at("sha256")));
      used_documents.insert(text_of(id));
    }
    BOOST_TEST(hashes == (std::set<std::string>{relay::domain::sha256_hex("%PDF-1.4 referral"),
                                                relay::domain::sha256_hex("potassium 4.1")}));
  }
  BOOST_TEST(patients.size() == 3u);
  BOOST_TEST(used_documents.size() == 6u);
  // The gateway recorded every Metriport id it was given, and audited each transition.
  BOOST_TEST(relay.count("SELECT count(*) FROM delivery_sends WHERE status = 'processing' "
                         "AND metriport_message_id IS NOT NULL") == 3);
  BOOST_TEST(relay.count("SELECT count(*) FROM delivery_documents WHERE uploaded_at IS NOT NULL") ==
             6);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = 'delivery.accepted'") ==
             3);
}

BOOST_AUTO_TEST_CASE(body_over_5000_characters_arrives_whole_as_a_document) {
  RelayFixture relay;
  TestMessage message{"TR-2", {"P-401"}};
  message.body.clear();
  for (int i = 0; message.body.size() < 12000; ++i) {
    message.body += "Line " + std::to_string(i) + " of a long discharge summary.\n";
  }
  message.body += "The end.";
  relay.post(message);
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 1, 20s));

  const auto sends = accepted_sends(relay.simulator);
  BOOST_REQUIRE(sends.size() == 1u);
  const auto& body = sends.begin()->second;
  const std::string sent_body = text_of(body.at("body"));
  BOOST_TEST(sent_body.size() <= 5000u);
  BOOST_TEST(message.body.starts_with(sent_body.substr(0, 4000)));
  const auto documents = documents_by_id(relay.simulator);
  BOOST_REQUIRE(body.at("attachments").as_array().size() == 1u);
  const auto& document = documents.at(text_of(body.at("attachments").as_array()[0]));
  BOOST_TEST(text_of(document.at("sha256")) == relay::domain::sha256_hex(message.body));
  BOOST_TEST(text_of(document.at("contentType")).starts_with("text/plain"));
}

BOOST_AUTO_TEST_CASE(seven_attachments_arrive_in_two_sends_per_patient) {
  RelayFixture relay;
  TestMessage message{"TR-3", {"P-501", "P-502"}};
  message.subject = "Records";
  for (int i = 1; i <= 7; ++i) {
    message.files.push_back({"file" + std::to_string(i) + ".txt", "content " + std::to_string(i)});
  }
  relay.post(message);
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 2, 20s));

  const auto sends = accepted_sends(relay.simulator);
  BOOST_TEST(sends.size() == 4u);
  std::map<std::string, std::vector<boost::json::object>> by_patient;
  for (const auto& [patient, body] : sends) by_patient[patient].push_back(body);
  BOOST_TEST(by_patient.size() == 2u);
  for (const auto& [patient, bodies] : by_patient) {
    BOOST_REQUIRE(bodies.size() == 2u);
    std::set<std::string> subjects;
    std::size_t attachments = 0;
    for (const auto& body : bodies) {
      subjects.insert(text_of(body.at("subject")));
      attachments += body.at("attachments").as_array().size();
      BOOST_TEST(body.at("attachments").as_array().size() <= 5u);
    }
    BOOST_TEST(subjects == (std::set<std::string>{"Records (1/2)", "Records (2/2)"}));
    BOOST_TEST(attachments == 7u);
  }
  BOOST_TEST(relay.count("SELECT count(*) FROM delivery_sends WHERE parts = 2") == 4);
}

BOOST_AUTO_TEST_CASE(unknown_patient_ends_dead_with_the_reason) {
  RelayFixture relay(RelaySetup::with_simulator(R"({"unknown_patients": ["P-GONE"]})"));
  relay.post({"TR-4", {"P-GONE", "P-601"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'dead'", 1, 20s));
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 1, 20s));
  BOOST_TEST(
      relay.count("SELECT count(*) FROM deliveries WHERE state = 'dead' AND "
                  "patient_external_id = 'P-GONE' AND last_error LIKE '%patient not found%'") == 1);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = 'delivery.dead'") == 1);
  // Nothing was sent for the unknown patient.
  BOOST_TEST(accepted_sends(relay.simulator).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
