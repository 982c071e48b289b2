// The operations actions against a relaying world (real gateway processes and the Metriport
// simulator): bulk retry by filter after the cause is fixed, cancel by filter, pauses honoured by
// every process (in-flight deliveries handed back before their send), and the CLI equivalents.
#include <boost/test/unit_test.hpp>

#include <thread>

#include "tests/integration/gateway/ops/ops_fixture.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

RelaySetup with_webhooks(std::string simulator_settings = "{}") {
  RelaySetup setup = RelaySetup::with_simulator(std::move(simulator_settings));
  setup.webhooks = true;
  return setup;
}

boost::json::object posted(HttpClient& client, const std::string& target,
                           const std::string& body = "") {
  const auto answer = client.post(target, body);
  BOOST_REQUIRE_MESSAGE(answer.status == 200,
                        target << ": " << answer.status << " " << answer.body);
  return parse_json(answer.body).as_object();
}

// Metriport messages the simulator accepted with this subject.
int sends_with_subject(RelayFixture& relay, const std::string& subject) {
  int sends = 0;
  for (const auto& [key, count] : relay.accepted_by_patient_and_subject()) {
    if (key.ends_with("|" + subject)) sends += count;
  }
  return sends;
}

// Every (patient, subject) the simulator accepted was accepted once.
bool each_sent_once(RelayFixture& relay) {
  for (const auto& [key, count] : relay.accepted_by_patient_and_subject()) {
    if (count != 1) return false;
  }
  return true;
}

CliResult ops_cli(RelayFixture& relay, const std::vector<std::string>& args) {
  std::vector<std::string> words{"ops"};
  words.insert(words.end(), args.begin(), args.end());
  return run_cli(words, {{"DATABASE_URL", relay.gateways->database.url()}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_relay_actions)

BOOST_AUTO_TEST_CASE(dead_deliveries_retried_by_filter_complete_once_the_patient_is_known) {
  RelayFixture relay(with_webhooks(R"({"unknown_patients": ["P-LATE1", "P-LATE2"]})"));
  relay.post({"RF-1", {"P-LATE1", "P-KNOWN"}});
  relay.post({"RF-2", {"P-LATE2"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'dead'", 2, 20s));
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 1, 20s));

  auto oscar = ops_client_at(relay.gateways->gateway->ops_port(),
                             add_operator_to(*relay.gateways, "oscar", "operator"));
  const std::string filter = "?state=dead&error=patient%20not%20found";
  const auto preview = posted(oscar, "/ops/api/deliveries/retry" + filter + "&dry_run=true");
  BOOST_TEST(preview.at("matched").as_int64() == 2);
  BOOST_TEST(preview.at("would_change").as_int64() == 2);
  std::this_thread::sleep_for(500ms);
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE state = 'dead'") == 2);

  relay.simulator.set_settings(R"({"unknown_patients": []})");
  const auto retried = posted(oscar, "/ops/api/deliveries/retry" + filter);
  BOOST_TEST(retried.at("changed").as_int64() == 2);
  BOOST_TEST(relay.wait_for_deliveries("state = 'completed'", 3, 20s));
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE state <> 'completed'") == 0);
  BOOST_TEST(relay.simulator.counter("sends_accepted") == 3);
  BOOST_TEST(each_sent_once(relay));
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE actor = 'operator:oscar' AND "
                         "event = 'deliveries.retry'") == 1);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE actor = 'operator:oscar' AND "
                         "event = 'delivery.requeued'") == 2);
}

BOOST_AUTO_TEST_CASE(a_pause_set_on_one_process_holds_every_process_until_resumed) {
  RelayFixture relay(with_webhooks(R"({"latency_ms": 2000})"));
  auto second = relay.gateways->start_gateway();
  HttpClient vendor_at_second("127.0.0.1", second->port());
  vendor_at_second.set_default_header("Authorization",
                                      "Bearer " + relay.gateways->token_for(relay.vendor));
  auto oscar = ops_client_at(relay.gateways->gateway->ops_port(),
                             add_operator_to(*relay.gateways, "oscar", "operator"));
  const auto post_to_second = [&](const std::string& id, const std::vector<std::string>& patients) {
    TestMessage message(id, patients);
    message.subject = "Paused " + id;
    const auto answer =
        vendor_at_second.post("/api/OutgoingSecureMessages", RelayFixture::portal_json(message));
    BOOST_REQUIRE_MESSAGE(answer.status == 200, "intake while paused: " << answer.status);
  };

  // Deliveries already in flight (their patient lookup takes 2 s, under the 3 s request timeout)
  // when the pause comes are handed back before their send, with no attempt counted.
  post_to_second("PA-1", {"P-1", "P-2"});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'resolving'", 2, 10s));
  BOOST_TEST(posted(oscar, "/ops/api/pause").at("changed").as_bool());
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'queued'", 2, 10s));
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = 'delivery.paused'") == 2);
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE attempts > 0") == 0);
  relay.simulator.set_settings(R"({"latency_ms": 0})");

  // Intake goes on; nothing is claimed or sent for several seconds by either process.
  post_to_second("PA-2", {"P-3"});
  post_to_second("PA-3", {"P-4", "P-5"});
  const auto claims_before =
      relay.count("SELECT count(*) FROM audit_events WHERE event = 'delivery.claimed'");
  std::this_thread::sleep_for(4s);
  BOOST_TEST(relay.simulator.counter("sends_accepted") == 0);
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE state = 'queued'") == 5);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE event = 'delivery.claimed'") ==
             claims_before);
  const auto pauses = parse_json(oscar.get("/ops/api/pauses").body).at("pauses").as_array();
  BOOST_TEST(pauses.size() == 1u);

  // Resumed: everything is sent, exactly once.
  BOOST_TEST(posted(oscar, "/ops/api/resume").at("changed").as_bool());
  BOOST_TEST(relay.wait_for_deliveries("state = 'completed'", 5, 30s));
  BOOST_TEST(relay.simulator.counter("sends_accepted") == 5);
  BOOST_TEST(each_sent_once(relay));
  BOOST_TEST(second->stop() == 0);
}

BOOST_AUTO_TEST_CASE(a_vendor_pause_leaves_other_vendors_flowing) {
  RelayFixture relay(with_webhooks());
  const auto other = relay.gateways->add_vendor("other-vendor");
  auto other_client = relay.gateways->client_for(other);
  auto oscar = ops_client_at(relay.gateways->gateway->ops_port(),
                             add_operator_to(*relay.gateways, "oscar", "operator"));
  posted(oscar, "/ops/api/pause", R"({"vendor":"relay-vendor"})");

  TestMessage held("VP-1", {"P-1", "P-2"});
  held.subject = "Held";
  relay.post(held);
  TestMessage flowing("VP-2", {"P-3", "P-4"});
  flowing.subject = "Flowing";
  const auto answer =
      other_client.post("/api/OutgoingSecureMessages", RelayFixture::portal_json(flowing));
  BOOST_REQUIRE(answer.status == 200);

  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 2, 20s));
  std::this_thread::sleep_for(2s);
  BOOST_TEST(sends_with_subject(relay, "Flowing") == 2);
  BOOST_TEST(sends_with_subject(relay, "Held") == 0);
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries d JOIN vendors v ON v.id = d.vendor_id "
                         "WHERE v.name = 'relay-vendor' AND d.state = 'queued'") == 2);

  posted(oscar, "/ops/api/resume", R"({"vendor":"relay-vendor"})");
  BOOST_TEST(relay.wait_for_deliveries("state = 'completed'", 4, 20s));
  BOOST_TEST(sends_with_subject(relay, "Held") == 2);
  BOOST_TEST(each_sent_once(relay));
}

BOOST_AUTO_TEST_CASE(cancel_by_filter_withdraws_queued_deliveries_before_they_are_sent) {
  RelayFixture relay(with_webhooks());
  auto oscar = ops_client_at(relay.gateways->gateway->ops_port(),
                             add_operator_to(*relay.gateways, "oscar", "operator"));
  posted(oscar, "/ops/api/pause");
  relay.post({"CF-1", {"P-KEEP", "P-DROP"}});
  relay.post({"CF-2", {"P-DROP"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'queued'", 3, 10s));

  const auto preview =
      posted(oscar, "/ops/api/deliveries/cancel?state=queued&patient_external_id=P-DROP&dry_run=1");
  BOOST_TEST(preview.at("would_change").as_int64() == 2);
  const auto cancelled =
      posted(oscar, "/ops/api/deliveries/cancel?state=queued&patient_external_id=P-DROP");
  BOOST_TEST(cancelled.at("matched").as_int64() == 2);
  BOOST_TEST(cancelled.at("changed").as_int64() == 2);
  posted(oscar, "/ops/api/resume");

  BOOST_TEST(relay.wait_for_deliveries("state = 'completed'", 1, 20s));
  std::this_thread::sleep_for(1s);
  BOOST_TEST(relay.simulator.counter("sends_accepted") == 1);
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE state = 'cancelled' AND "
                         "patient_external_id = 'P-DROP'") == 2);
}

BOOST_AUTO_TEST_CASE(the_cli_retries_by_filter_and_pauses_with_audit_events) {
  RelayFixture relay(with_webhooks(R"({"unknown_patients": ["P-LATE"]})"));
  relay.post({"CLI-1", {"P-LATE", "P-KNOWN"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'dead'", 1, 20s));
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 1, 20s));

  // Refusals: no filter, a bad value (named as its flag), an unknown vendor.
  const auto unfiltered = ops_cli(relay, {"retry"});
  BOOST_TEST(unfiltered.exit_code == 2);
  const auto bad = ops_cli(relay, {"retry", "--state", "zombie"});
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("--state") != std::string::npos, bad.err);
  BOOST_TEST(ops_cli(relay, {"pause", "--vendor", "nobody"}).exit_code == 1);

  const auto preview =
      ops_cli(relay, {"retry", "--dry-run", "--state", "dead", "--error", "patient not found"});
  BOOST_TEST(preview.exit_code == 0, preview.err);
  BOOST_TEST(preview.out == "matched 1\nwould_change 1\n");

  // Paused from the shell: the retried delivery waits for the resume.
  const auto paused = ops_cli(relay, {"pause"});
  BOOST_TEST(paused.exit_code == 0, paused.err);
  BOOST_TEST(paused.out.find("paused") != std::string::npos);
  relay.simulator.set_settings(R"({"unknown_patients": []})");
  const auto retried =
      ops_cli(relay, {"retry", "--state", "dead", "--patient-external-id", "P-LATE"});
  BOOST_TEST(retried.exit_code == 0, retried.err);
  BOOST_TEST(retried.out == "matched 1\nchanged 1\nskipped 0\n");
  std::this_thread::sleep_for(2s);
  BOOST_TEST(relay.simulator.counter("sends_accepted") == 1);
  BOOST_TEST(relay.count("SELECT count(*) FROM deliveries WHERE state = 'queued'") == 1);

  BOOST_TEST(ops_cli(relay, {"resume"}).exit_code == 0);
  BOOST_TEST(relay.wait_for_deliveries("state = 'completed'", 2, 20s));
  BOOST_TEST(relay.simulator.counter("sends_accepted") == 2);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE actor = 'cli' AND event IN "
                         "('deliveries.retry', 'relay.paused', 'relay.resumed')") == 3);
  BOOST_TEST(relay.count("SELECT count(*) FROM audit_events WHERE actor = 'cli' AND "
                         "event = 'deliveries.retry' AND detail->'filter'->>'patient_external_id' "
                         "LIKE '%ATE'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
