// Integration tests of GET /ops/api/messages: one message relayed through the simulator with its
// webhooks, seen by a viewer and an operator without PHI, revealed by an admin (audited), refused
// to a viewer's reveal (nothing written), and bad ids and parameters answered 400/404.
#include <boost/test/unit_test.hpp>

#include "gateway/domain/base64.hpp"
#include "tests/integration/gateway/ops/ops_fixture.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

const std::string subject = "Cardiology referral for the stress test";
const std::string body_text = "Please see the enclosed stress test results before Monday.";
const std::string file_bytes = "%PDF-1.4 stress test results";

RelaySetup with_webhooks() {
  RelaySetup setup = RelaySetup::with_simulator(R"({"webhook_delay_ms": 50})");
  setup.webhooks = true;
  return setup;
}

struct World {
  World() : relay(with_webhooks()) {
    TestMessage message{"VIEW-1", {"VIEWPAT-4711", "VIEWPAT-4712"}};
    message.subject = subject;
    message.body = body_text;
    message.files = {{"results.pdf", file_bytes}};
    relay.post(message);
    BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 2, 20s));
    BOOST_REQUIRE(SimulatorProcess::wait_until(
        [&] {
          return relay.count("SELECT count(*) FROM messages WHERE portal_status = 'Sent'") == 1;
        },
        10s));
    id = relay.text("SELECT id::text FROM messages WHERE external_id = 'VIEW-1'");
  }

  std::int64_t reveals() {
    return relay.count("SELECT count(*) FROM audit_events WHERE event = 'message.revealed'");
  }

  RelayFixture relay;
  std::string id;
};

std::vector<std::string> timeline_labels(const boost::json::object& view) {
  std::vector<std::string> labels;
  for (const auto& item : view.at("timeline").as_array()) {
    const auto& object = item.as_object();
    std::string label(object.at("kind").as_string());
    if (const auto* event = object.if_contains("event")) {
      label += ':';
      label.append(event->as_string().data(), event->as_string().size());
    }
    labels.push_back(label);
  }
  return labels;
}

std::ptrdiff_t position_of(const std::vector<std::string>& labels, const std::string& label) {
  const auto found = std::find(labels.begin(), labels.end(), label);
  return found == labels.end() ? -1 : found - labels.begin();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ops_message_view, World)

BOOST_AUTO_TEST_CASE(viewers_and_operators_see_the_whole_story_without_phi) {
  const auto viewer = add_operator_to(*relay.gateways, "vera", "viewer");
  const auto operator_account = add_operator_to(*relay.gateways, "otto", "operator");
  for (const auto& account : {viewer, operator_account}) {
    BOOST_TEST_CONTEXT(account.role) {
      auto ops = ops_client_of(*relay.gateways, account);
      const auto answer = ops.get("/ops/api/messages/" + id);
      BOOST_REQUIRE(answer.status == 200);
      for (const std::string& secret :
           {subject, body_text, std::string("Dr. Test"), std::string("VIEWPAT-4711"),
            std::string("VIEWPAT-4712"), relay::domain::base64_encode(file_bytes)}) {
        BOOST_TEST(answer.body.find(secret) == std::string::npos, secret);
      }
      const auto view = parse_json(answer.body).as_object();
      const auto& message = view.at("message").as_object();
      BOOST_TEST(message.at("id").as_string() == id);
      BOOST_TEST(message.at("vendor").as_string() == "relay-vendor");
      BOOST_TEST(message.at("external_id").as_string() == "VIEW-1");
      BOOST_TEST(message.at("sender_id").as_string() == "DR-100");
      BOOST_TEST(message.at("status").as_string() == "Sent");
      BOOST_TEST(message.at("requested_status").as_string() == "Sent");
      BOOST_TEST(message.at("patient_count").as_int64() == 2);
      BOOST_TEST(message.at("sent_at").is_string());
      const auto& file = message.at("files").as_array().at(0).as_object();
      BOOST_TEST(file.at("file_name").as_string() == "results.pdf");
      BOOST_TEST(file.at("size_bytes").as_int64() == static_cast<std::int64_t>(file_bytes.size()));
      BOOST_TEST(file.at("sha256").as_string().size() == 64u);
      BOOST_TEST(!file.contains("content_base64"));
      BOOST_TEST(view.at("revealed").as_bool() == false);

      const auto& deliveries = view.at("deliveries").as_array();
      BOOST_REQUIRE(deliveries.size() == 2u);
      const auto& first = deliveries[0].as_object();
      BOOST_TEST(first.at("patient_external_id").as_string() ==
                 "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"
                 "4711");
      BOOST_TEST(first.at("state").as_string() == "completed");
      BOOST_TEST(first.at("metriport_patient_id").is_string());
      BOOST_TEST(first.at("last_error_class").is_null());
      const auto& send = first.at("sends").as_array().at(0).as_object();
      BOOST_TEST(send.at("status").as_string() == "completed");
      BOOST_TEST(send.at("metriport_message_id").is_string());
      BOOST_TEST(send.at("sent_at").is_string());
      BOOST_TEST(send.at("completed_at").is_string());

      // One timeline, in time order: intake, transitions, sends, webhooks applied, Sent.
      const auto labels = timeline_labels(view);
      std::string previous;
      for (const auto& item : view.at("timeline").as_array()) {
        const std::string at(item.as_object().at("at").as_string());
        BOOST_TEST(previous <= at);
        previous = at;
      }
      const auto intake = position_of(labels, "audit:message.queued");
      const auto claimed = position_of(labels, "audit:delivery.claimed");
      const auto recorded = position_of(labels, "audit:delivery.send_recorded");
      const auto sent = position_of(labels, "metriport_send_accepted");
      const auto webhook = position_of(labels, "webhook");
      const auto completed = position_of(labels, "audit:delivery.completed");
      const auto message_sent = position_of(labels, "audit:message.sent");
      BOOST_TEST(intake == 0);
      BOOST_TEST(claimed > intake);
      BOOST_TEST(recorded > claimed);
      BOOST_TEST(sent > claimed);
      BOOST_TEST(webhook > sent);
      BOOST_TEST(completed > webhook);
      BOOST_TEST(message_sent > completed);
      BOOST_TEST(std::count(labels.begin(), labels.end(), "webhook") == 2);
      for (const auto& item : view.at("timeline").as_array()) {
        const auto& object = item.as_object();
        if (object.at("kind").as_string() != "webhook") continue;
        BOOST_TEST(object.at("type").as_string() == "message.status");
        BOOST_TEST(object.at("outcome").as_string() == "applied");
        BOOST_TEST(object.at("applied_at").is_string());
        BOOST_TEST(!object.contains("payload"));
      }

      // The same message by vendor and ExternalId.
      const auto by_key = ops.get("/ops/api/messages?vendor=relay-vendor&external_id=VIEW-1");
      BOOST_REQUIRE(by_key.status == 200);
      BOOST_TEST(parse_json(by_key.body).at("message").at("id").as_string() == id);
    }
  }
  BOOST_TEST(reveals() == 0);
}

BOOST_AUTO_TEST_CASE(an_admin_reveal_shows_phi_and_is_audited_first) {
  const auto admin = add_operator_to(*relay.gateways, "ada", "admin");
  auto ops = ops_client_of(*relay.gateways, admin);
  const auto plain = ops.get("/ops/api/messages/" + id);
  BOOST_REQUIRE(plain.status == 200);
  BOOST_TEST(plain.body.find(subject) == std::string::npos);  // admins too, unless they reveal
  BOOST_TEST(reveals() == 0);

  const auto answer = ops.get("/ops/api/messages/" + id + "?reveal=1");
  BOOST_REQUIRE(answer.status == 200);
  const auto view = parse_json(answer.body).as_object();
  const auto& message = view.at("message").as_object();
  BOOST_TEST(view.at("revealed").as_bool());
  BOOST_TEST(message.at("subject").as_string() == subject);
  BOOST_TEST(message.at("body").as_string() == body_text);
  BOOST_TEST(message.at("from_name").as_string() == "Dr. Test");
  BOOST_TEST(message.at("files").as_array().at(0).as_object().at("content_base64").as_string() ==
             relay::domain::base64_encode(file_bytes));
  BOOST_TEST(
      view.at("deliveries").as_array().at(0).as_object().at("patient_external_id").as_string() ==
      "VIEWPAT-4711");
  BOOST_TEST(view.at("patients").as_array().at(1).as_object().at("external_id").as_string() ==
             "VIEWPAT-4712");

  BOOST_TEST(reveals() == 1);
  BOOST_TEST(relay.text("SELECT actor || ' ' || entity_type || ' ' || entity_id FROM audit_events "
                        "WHERE event = 'message.revealed'") == "operator:ada message " + id);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = 'message.revealed' "
                         "AND detail->'revealed' ? 'subject' AND detail->'revealed' ? 'body' "
                         "AND detail->'revealed' ? 'patient_external_ids' "
                         "AND detail->'revealed' ? 'file_contents'") == 1);
  // The reveal is part of the message's story (written before the answer was read).
  const auto labels = timeline_labels(view);
  BOOST_TEST(labels.back() == "audit:message.revealed");

  const auto by_key =
      ops.get("/ops/api/messages?vendor=relay-vendor&external_id=VIEW-1&reveal=true");
  BOOST_REQUIRE(by_key.status == 200);
  BOOST_TEST(by_key.body.find(subject) != std::string::npos);
  BOOST_TEST(reveals() == 2);
}

BOOST_AUTO_TEST_CASE(a_reveal_below_admin_is_refused_and_writes_nothing) {
  const auto viewer = add_operator_to(*relay.gateways, "vera", "viewer");
  const auto operator_account = add_operator_to(*relay.gateways, "otto", "operator");
  for (const auto& account : {viewer, operator_account}) {
    auto ops = ops_client_of(*relay.gateways, account);
    const auto before = relay.count("SELECT count(*) FROM audit_events");
    for (const std::string& target :
         {"/ops/api/messages/" + id + "?reveal=1",
          std::string("/ops/api/messages?vendor=relay-vendor&external_id=VIEW-1&reveal=1")}) {
      const auto answer = ops.get(target);
      BOOST_TEST(answer.status == 403, account.role << " " << target);
      BOOST_TEST(parse_json(answer.body).at("field").as_string() == "reveal");
      BOOST_TEST(answer.body.find(subject) == std::string::npos);
    }
    BOOST_TEST(relay.count("SELECT count(*) FROM audit_events") == before);
  }
  BOOST_TEST(reveals() == 0);
}

BOOST_AUTO_TEST_CASE(bad_ids_and_parameters_are_400_or_404_naming_the_field) {
  const auto viewer = add_operator_to(*relay.gateways, "vera", "viewer");
  auto ops = ops_client_of(*relay.gateways, viewer);
  struct Case {
    std::string target;
    int status;
    const char* field;
  };
  const Case cases[] = {
      {"/ops/api/messages/VIEWPAT-4711", 400, "id"},
      {"/ops/api/messages/" + id + "x", 400, "id"},
      {"/ops/api/messages/0b7c2f9e-8d4a-4c1e-9f3b-2a6d5e4c3b21", 404, nullptr},
      {"/ops/api/messages/" + id + "?reveal=VIEWPAT-4711", 400, "reveal"},
      {"/ops/api/messages/" + id + "?patient=VIEWPAT-4711", 400, "patient"},
      {"/ops/api/messages", 400, "vendor"},
      {"/ops/api/messages?vendor=relay-vendor", 400, "external_id"},
      {"/ops/api/messages?external_id=VIEW-1", 400, "vendor"},
      {"/ops/api/messages?vendor=relay-vendor&external_id=", 400, "external_id"},
      {"/ops/api/messages?vendor=relay-vendor&external_id=VIEWPAT-4711", 404, nullptr},
      {"/ops/api/messages?vendor=nobody&external_id=VIEW-1", 404, nullptr},
      {"/ops/api/messages?vendor=relay-vendor&external_id=" + std::string(501, 'x'), 400,
       "external_id"},
  };
  for (const auto& c : cases) {
    const auto answer = ops.get(c.target);
    BOOST_TEST(answer.status == c.status, c.target);
    BOOST_TEST(answer.body.find("VIEWPAT-4711") == std::string::npos, c.target);
    const auto error = parse_json(answer.body).as_object();
    BOOST_TEST(error.contains("error"), c.target);
    if (c.field != nullptr) {
      BOOST_TEST(error.at("field").as_string() == c.field, c.target);
    }
  }
  HttpClient anonymous("127.0.0.1", relay.gateways->gateway->ops_port());
  BOOST_TEST(anonymous.get("/ops/api/messages/" + id).status == 401);
  BOOST_TEST(relay.client->get("/ops/api/messages/" + id).status == 404);  // vendor listener
}

BOOST_AUTO_TEST_SUITE_END()
