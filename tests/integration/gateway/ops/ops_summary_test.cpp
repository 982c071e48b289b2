// Integration tests of GET /ops/api/summary with real gateways relaying to the Metriport
// simulator: counts follow messages through the relay, a dead delivery and a 429 storm show, the
// pacer's block shows, pauses show, and another process on the same database sees the same.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/ops/ops_fixture.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

boost::json::object summary_of(HttpClient& ops) {
  const auto answer = ops.get("/ops/api/summary");
  BOOST_REQUIRE_MESSAGE(answer.status == 200, "summary: " << answer.status << " " << answer.body);
  return parse_json(answer.body).as_object();
}

std::int64_t number(const boost::json::object& object, std::initializer_list<const char*> path) {
  const boost::json::value* value = nullptr;
  const boost::json::object* at = &object;
  for (const char* key : path) {
    value = at->if_contains(key);
    BOOST_REQUIRE_MESSAGE(value != nullptr, "no " << key);
    if (value->is_object()) at = &value->as_object();
  }
  return value->to_number<std::int64_t>();
}

const boost::json::value& at_path(const boost::json::object& object,
                                  std::initializer_list<const char*> path) {
  const boost::json::value* value = nullptr;
  const boost::json::object* at = &object;
  for (const char* key : path) {
    value = at->if_contains(key);
    BOOST_REQUIRE_MESSAGE(value != nullptr, "no " << key);
    if (value->is_object()) at = &value->as_object();
  }
  return *value;
}

bool wait_for(RelayFixture& relay, const std::string& sql, std::int64_t at_least,
              std::chrono::milliseconds timeout) {
  return SimulatorProcess::wait_until([&] { return relay.count(sql) >= at_least; }, timeout);
}

void exec(RelayFixture& relay, const std::string& sql) {
  pqxx::work tx(relay.gateways->database.connection());
  tx.exec0(sql);
  tx.commit();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ops_summary)

BOOST_AUTO_TEST_CASE(counts_follow_messages_through_the_relay_in_every_process) {
  RelaySetup setup = RelaySetup::with_simulator(
      R"({"webhook_delay_ms": 50, "unknown_patients": ["SUM-GONE-0001"]})");
  setup.webhooks = true;
  RelayFixture relay(setup);
  const auto viewer = add_operator_to(*relay.gateways, "vera", "viewer");
  auto ops = ops_client_of(*relay.gateways, viewer);

  const auto empty = summary_of(ops);
  BOOST_TEST(number(empty, {"deliveries", "counted"}) == 0);
  BOOST_TEST(at_path(empty, {"deliveries", "oldest_waiting_age_seconds"}).is_null());
  BOOST_TEST(at_path(empty, {"metriport", "last_success_at"}).is_null());
  BOOST_TEST(at_path(empty, {"paused", "global"}).is_null());
  BOOST_TEST(number(empty, {"pacer", "limit"}) == setup.sends_per_minute);

  TestMessage two_patients{"SUM-1", {"SUM-PAT-0001", "SUM-PAT-0002"}};
  two_patients.priority = "High";
  relay.post(two_patients);
  relay.post({"SUM-2", {"SUM-GONE-0001"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 2, 20s));
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'dead'", 1, 20s));
  BOOST_REQUIRE(
      wait_for(relay, "SELECT count(*) FROM webhook_events WHERE outcome = 'applied'", 2, 10s));

  const auto after = summary_of(ops);
  BOOST_TEST(number(after, {"deliveries", "counted"}) == 3);
  BOOST_TEST(number(after, {"deliveries", "by_state", "completed"}) == 2);
  BOOST_TEST(number(after, {"deliveries", "by_state", "queued"}) == 0);
  BOOST_TEST(number(after, {"deliveries", "dead"}) == 1);
  BOOST_TEST(number(after, {"deliveries", "failed"}) == 0);
  BOOST_TEST(number(after, {"deliveries", "in_flight"}) == 0);
  BOOST_TEST(number(after, {"deliveries", "by_priority", "High", "completed"}) == 2);
  BOOST_TEST(number(after, {"deliveries", "by_priority", "Normal", "dead"}) == 1);
  const auto& vendors = after.at("vendors").as_array();
  BOOST_REQUIRE(vendors.size() == 1u);
  const auto& vendor = vendors[0].as_object();
  BOOST_TEST(vendor.at("vendor").as_string() == "relay-vendor");
  BOOST_TEST(number(vendor, {"by_state", "completed"}) == 2);
  BOOST_TEST(number(vendor, {"dead"}) == 1);
  BOOST_TEST(vendor.at("paused").as_bool() == false);

  BOOST_TEST(number(after, {"rates", "intake", "1m"}) == 2);
  BOOST_TEST(number(after, {"rates", "sends", "1m"}) == 2);
  BOOST_TEST(number(after, {"rates", "completions", "5m"}) == 2);
  BOOST_TEST(number(after, {"rates", "failures", "15m"}) == 1);  // the dead delivery
  BOOST_TEST(number(after, {"rates", "rate_limited", "15m"}) == 0);
  BOOST_TEST(at_path(after, {"metriport", "last_success_at"}).is_string());
  // An unknown patient is Metriport answering, not Metriport failing.
  BOOST_TEST(number(after, {"metriport", "failures_since_success"}) == 0);
  BOOST_TEST(at_path(after, {"metriport", "last_failure_class"}).is_null());
  BOOST_TEST(at_path(after, {"webhooks", "last_received_at"}).is_string());
  bool applied_counted = false;
  for (const auto& tally :
       at_path(after, {"webhooks", "last_hour_by_type_and_outcome"}).as_array()) {
    const auto& row = tally.as_object();
    if (row.at("type").as_string() == "message.status" &&
        row.at("outcome").as_string() == "applied") {
      applied_counted = row.at("count").to_number<std::int64_t>() == 2;
    }
  }
  BOOST_TEST(applied_counted);
  BOOST_TEST(number(after, {"pacer", "used_this_window"}) >= 2);  // sends started this window
  BOOST_TEST(number(after, {"pacer", "sends_to_make"}) == 0);
  BOOST_TEST(number(after, {"pacer", "drain_seconds"}) == 0);

  // Pauses are rows every process reads: global and per vendor.
  exec(relay, "INSERT INTO relay_pauses (vendor_id, paused_by) VALUES (NULL, 'operator:olga')");
  exec(relay,
       "INSERT INTO relay_pauses (vendor_id, paused_by) SELECT id, 'operator:olga' "
       "FROM vendors WHERE name = 'relay-vendor'");
  // Another gateway process on the same database answers the same, from the database alone.
  auto second = relay.gateways->start_gateway();
  HttpClient other("127.0.0.1", second->ops_port());
  other.set_default_header("Authorization", "Bearer " + login_to(*relay.gateways, viewer).token);
  const auto elsewhere = summary_of(other);
  BOOST_TEST(number(elsewhere, {"deliveries", "by_state", "completed"}) == 2);
  BOOST_TEST(number(elsewhere, {"deliveries", "dead"}) == 1);
  BOOST_TEST(number(elsewhere, {"rates", "sends", "15m"}) == 2);
  BOOST_TEST(at_path(elsewhere, {"paused", "global", "paused_by"}).as_string() == "operator:olga");
  const auto& paused_vendors = at_path(elsewhere, {"paused", "vendors"}).as_array();
  BOOST_REQUIRE(paused_vendors.size() == 1u);
  BOOST_TEST(paused_vendors[0].as_object().at("vendor").as_string() == "relay-vendor");
  BOOST_TEST(elsewhere.at("vendors").as_array()[0].as_object().at("paused").as_bool());
}

BOOST_AUTO_TEST_CASE(a_429_storm_shows_in_rates_health_and_the_pacer) {
  RelaySetup setup = RelaySetup::with_simulator(R"({"retry_after_seconds": 0})", 50);
  RelayFixture relay(setup);
  const auto viewer = add_operator_to(*relay.gateways, "vera", "viewer");
  auto ops = ops_client_of(*relay.gateways, viewer);

  // A first message resolves the patient (cached), so later 429s hit the send itself.
  relay.post({"STORM-0", {"STORM-PAT-0001"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 1, 20s));
  BOOST_TEST(at_path(summary_of(ops), {"metriport", "last_success_at"}).is_string());

  // The storm: every call answered 429 with Retry-After 0, so the delivery keeps retrying.
  relay.simulator.set_settings(R"({"rate_429": 1})");
  relay.post({"STORM-1", {"STORM-PAT-0001"}});
  BOOST_REQUIRE(wait_for(
      relay, "SELECT count(*) FROM audit_events WHERE event = 'delivery.rate_limited'", 3, 20s));
  const auto storm = summary_of(ops);
  BOOST_TEST(number(storm, {"rates", "rate_limited", "1m"}) >= 3);
  BOOST_TEST(number(storm, {"metriport", "failures_since_success"}) >= 3);
  BOOST_TEST(at_path(storm, {"metriport", "last_failure_class"}).as_string() == "rate_limited");
  BOOST_TEST(at_path(storm, {"metriport", "last_failure_event"}).as_string() ==
             "delivery.rate_limited");
  BOOST_TEST(at_path(storm, {"metriport", "last_failure_at"}).is_string());
  BOOST_TEST(number(storm, {"deliveries", "by_state", "accepted"}) == 1);
  BOOST_TEST(number(storm, {"rates", "failures", "15m"}) == 0);  // 429s are counted apart

  // The storm ends: the delivery goes out and health recovers; the last failure stays visible.
  relay.simulator.set_settings(R"({"rate_429": 0})");
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'accepted'", 2, 20s));
  const auto calm = summary_of(ops);
  BOOST_TEST(number(calm, {"metriport", "failures_since_success"}) == 0);
  BOOST_TEST(at_path(calm, {"metriport", "last_failure_class"}).as_string() == "rate_limited");
  BOOST_TEST(number(calm, {"rates", "sends", "5m"}) == 2);

  // A 429 with Retry-After blocks the shared pacer: the summary shows the block and the wait.
  relay.simulator.set_settings(R"({"rate_429": 1, "retry_after_seconds": 60})");
  const auto before =
      relay.count("SELECT count(*) FROM audit_events WHERE event = 'delivery.rate_limited'");
  relay.post({"STORM-2", {"STORM-PAT-0001"}});
  BOOST_REQUIRE(wait_for(relay,
                         "SELECT count(*) FROM audit_events WHERE event = 'delivery.rate_limited'",
                         before + 1, 20s));
  const auto blocked = summary_of(ops);
  BOOST_TEST(at_path(blocked, {"pacer", "blocked_until"}).is_string());
  BOOST_TEST(number(blocked, {"pacer", "next_free_slot_in_seconds"}) > 30);
  BOOST_TEST(number(blocked, {"deliveries", "waiting"}) == 1);
  BOOST_TEST(number(blocked, {"pacer", "sends_to_make"}) == 1);
  BOOST_TEST(number(blocked, {"pacer", "drain_seconds"}) > 30);
  BOOST_TEST(!at_path(blocked, {"deliveries", "oldest_waiting_age_seconds"}).is_null());
}

BOOST_AUTO_TEST_CASE(bad_parameters_and_anonymous_callers_are_refused) {
  RelayFixture relay(RelaySetup::with_simulator("{}"));
  const auto viewer = add_operator_to(*relay.gateways, "vera", "viewer");
  auto ops = ops_client_of(*relay.gateways, viewer);
  const auto unknown = ops.get("/ops/api/summary?vendor=PAT-4711");
  BOOST_TEST(unknown.status == 400);
  BOOST_TEST(parse_json(unknown.body).at("field").as_string() == "vendor");
  BOOST_TEST(unknown.body.find("PAT-4711") == std::string::npos);
  HttpClient anonymous("127.0.0.1", relay.gateways->gateway->ops_port());
  BOOST_TEST(anonymous.get("/ops/api/summary").status == 401);
  // The vendor listener never serves it.
  BOOST_TEST(relay.client->get("/ops/api/summary").status == 404);
}

BOOST_AUTO_TEST_CASE(activity_counts_the_last_hour_per_minute_oldest_first) {
  RelaySetup setup = RelaySetup::with_simulator(R"({"webhook_delay_ms": 50})");
  setup.webhooks = true;
  RelayFixture relay(setup);
  const auto viewer = add_operator_to(*relay.gateways, "vera", "viewer");
  auto ops = ops_client_of(*relay.gateways, viewer);
  relay.post({"ACT-1", {"ACT-PAT-0001", "ACT-PAT-0002"}});
  BOOST_REQUIRE(relay.wait_for_deliveries("state = 'completed'", 2, 20s));
  // Older events: one intake 30 minutes ago, one two hours ago (outside the hour), and a 429 handed
  // back at shutdown (not a 429 Metriport answered).
  exec(relay,
       "INSERT INTO audit_events (occurred_at, actor, entity_type, entity_id, event) VALUES "
       "(now() - interval '30 minutes 10 seconds', 'test', 'message', 'm-old', 'message.queued'), "
       "(now() - interval '2 hours', 'test', 'message', 'm-older', 'message.queued')");
  exec(relay,
       "INSERT INTO audit_events (actor, entity_type, entity_id, event, detail) VALUES "
       "('test', 'delivery', 'd-1', 'delivery.rate_limited', '{\"class\": \"shutdown\"}')");

  const auto answer = ops.get("/ops/api/activity");
  BOOST_REQUIRE_MESSAGE(answer.status == 200, answer.body);
  const auto body = parse_json(answer.body).as_object();
  BOOST_TEST(body.at("minute_seconds").as_int64() == 60);
  BOOST_TEST(body.at("as_of").is_string());
  const auto& series = body.at("series").as_object();
  const auto last_two_minutes = [&series](const char* measure) {
    const auto& counts = series.at(measure).as_array();
    BOOST_REQUIRE(counts.size() == 60u);
    return counts[59].to_number<std::int64_t>() + counts[58].to_number<std::int64_t>();
  };
  const auto total = [&series](const char* measure) {
    std::int64_t sum = 0;
    for (const auto& count : series.at(measure).as_array()) sum += count.to_number<std::int64_t>();
    return sum;
  };
  BOOST_TEST(last_two_minutes("intake") == 1);
  BOOST_TEST(last_two_minutes("sends") == 2);
  BOOST_TEST(last_two_minutes("completions") == 2);
  BOOST_TEST(series.at("intake").as_array()[29].to_number<std::int64_t>() == 1);  // 30 min ago
  BOOST_TEST(total("intake") == 2);  // not the one two hours ago
  BOOST_TEST(total("failures") == 0);
  BOOST_TEST(total("rate_limited") == 0);  // the shutdown hand-back is not a 429

  BOOST_TEST(ops.get("/ops/api/activity?minutes=5").status == 400);
  HttpClient anonymous("127.0.0.1", relay.gateways->gateway->ops_port());
  BOOST_TEST(anonymous.get("/ops/api/activity").status == 401);
}

BOOST_AUTO_TEST_SUITE_END()
