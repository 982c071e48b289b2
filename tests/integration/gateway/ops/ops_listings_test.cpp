// Integration tests of the operations listings: webhook events (filters, counts, keyset paging,
// never a payload), webhook rejections (reason, size, hash) and the audit trail (filters by actor,
// action, entity and time, keyset paging, details as stored), with bad parameters named.
#include <boost/test/unit_test.hpp>

#include <set>

#include "gateway/domain/digest.hpp"
#include "tests/integration/gateway/ops/ops_fixture.hpp"
#include "tests/integration/gateway/relay/relay_fixture.hpp"

using namespace relay::testing;
using namespace std::chrono_literals;

namespace {

const std::string patient_marker = "2f1c2f0e-3f6b-4a55-9d3c-6c1f0c1d2e3f";

RelaySetup stored_only() {
  RelaySetup setup;
  setup.webhooks = true;
  setup.relay_starts_enabled = false;  // events stay as stored ("new")
  return setup;
}

std::string ping_body(int n) {
  return R"({"ping":"pong-)" + std::to_string(n) + R"(","meta":{"messageId":"ping-)" +
         std::to_string(n) + R"(","when":"2025-01-01T00:00:00.000Z","type":"ping"}})";
}

std::string status_body(int n) {
  return R"({"meta":{"messageId":"status-)" + std::to_string(n) +
         R"(","when":"2026-06-16T18:40:00.000Z","type":"message.status"},"payload":{"id":"0b9cbf6c-5bd1-4c5b-9f33-1d2f4f1a7c1)" +
         std::to_string(n) + R"(","patientId":")" + patient_marker +
         R"(","status":"completed","sentAt":"2026-06-16T18:39:00.000Z","completedAt":"2026-06-16T18:40:00.000Z"}})";
}

struct World {
  World() : relay(stored_only()) {
    const auto key = relay.setup.webhook_keys;
    for (int n = 1; n <= 3; ++n) {
      BOOST_REQUIRE(
          relay.post_webhook(status_body(n), RelayFixture::sign(key, status_body(n))).status ==
          200);
    }
    for (int n = 1; n <= 2; ++n) {
      BOOST_REQUIRE(
          relay.post_webhook(ping_body(n), RelayFixture::sign(key, ping_body(n))).status == 200);
    }
    for (const std::string& bad : {std::string("[1,2,3]"), std::string("{not json")}) {
      BOOST_REQUIRE(relay.post_webhook(bad, RelayFixture::sign(key, bad)).status == 400);
    }
    viewer = add_operator_to(*relay.gateways, "vera", "viewer");
    ops = std::make_unique<HttpClient>(ops_client_of(*relay.gateways, viewer));
  }

  boost::json::object get_ok(const std::string& target) {
    const auto answer = ops->get(target);
    BOOST_REQUIRE_MESSAGE(answer.status == 200,
                          target << ": " << answer.status << " " << answer.body);
    return parse_json(answer.body).as_object();
  }

  // Follows next_cursor from the first page; the ids of every row, in order.
  std::vector<std::int64_t> all_pages(const std::string& target, const char* rows_key,
                                      std::size_t& pages) {
    std::vector<std::int64_t> ids;
    std::string next = target;
    pages = 0;
    for (int guard = 0; guard < 20; ++guard) {
      const auto page = get_ok(next);
      ++pages;
      for (const auto& row : page.at(rows_key).as_array()) {
        ids.push_back(row.as_object().at("id").as_int64());
      }
      if (page.at("next_cursor").is_null()) break;
      next = target + "&cursor=" + std::string(page.at("next_cursor").as_string());
    }
    return ids;
  }

  void expect_refused(const std::string& target, const char* field) {
    const auto answer = ops->get(target);
    BOOST_TEST(answer.status == 400, target);
    BOOST_TEST(answer.body.find("PAT-4711") == std::string::npos, target);
    if (answer.status == 400) {
      BOOST_TEST(parse_json(answer.body).at("field").as_string() == field, target);
    }
  }

  RelayFixture relay;
  OperatorAccount viewer;
  std::unique_ptr<HttpClient> ops;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ops_listings, World)

BOOST_AUTO_TEST_CASE(webhook_events_newest_first_with_counts_and_never_a_payload) {
  const auto answer = ops->get("/ops/api/webhooks");
  BOOST_REQUIRE(answer.status == 200);
  BOOST_TEST(answer.body.find(patient_marker) == std::string::npos);
  BOOST_TEST(answer.body.find("pong-1") == std::string::npos);
  const auto page = parse_json(answer.body).as_object();
  const auto& events = page.at("events").as_array();
  BOOST_REQUIRE(events.size() == 5u);
  BOOST_TEST(events[0].as_object().at("event_id").as_string() == "ping-2");
  BOOST_TEST(events[4].as_object().at("event_id").as_string() == "status-1");
  const auto& status = events[4].as_object();
  BOOST_TEST(status.at("type").as_string() == "message.status");
  BOOST_TEST(status.at("outcome").as_string() == "new");
  BOOST_TEST(status.at("metriport_message_id").is_string());
  BOOST_TEST(status.at("applied_at").is_null());
  BOOST_TEST(!status.contains("payload"));
  BOOST_TEST(page.at("next_cursor").is_null());

  std::map<std::string, std::int64_t> counts;
  for (const auto& tally : page.at("counts").at("by_type_and_outcome").as_array()) {
    const auto& row = tally.as_object();
    counts[std::string(row.at("type").as_string()) + " " +
           std::string(row.at("outcome").as_string())] = row.at("count").as_int64();
  }
  BOOST_TEST(counts["message.status new"] == 3);
  std::int64_t pings = 0;
  for (const auto& [key, count] : counts) {
    if (key.rfind("ping ", 0) == 0) pings += count;
  }
  BOOST_TEST(pings == 2);

  BOOST_TEST(get_ok("/ops/api/webhooks?type=ping").at("events").as_array().size() == 2u);
  BOOST_TEST(get_ok("/ops/api/webhooks?outcome=new").at("events").as_array().size() == 3u);
  BOOST_TEST(get_ok("/ops/api/webhooks?type=message.status&outcome=applied")
                 .at("events")
                 .as_array()
                 .empty());
  BOOST_TEST(get_ok("/ops/api/webhooks?to=2000-01-01").at("events").as_array().empty());
  BOOST_TEST(get_ok("/ops/api/webhooks?from=2000-01-01").at("events").as_array().size() == 5u);

  std::size_t pages = 0;
  const auto ids = all_pages("/ops/api/webhooks?limit=2", "events", pages);
  BOOST_TEST(pages == 3u);
  BOOST_TEST(ids.size() == 5u);
  BOOST_TEST(std::set<std::int64_t>(ids.begin(), ids.end()).size() == 5u);
  BOOST_TEST(std::is_sorted(ids.rbegin(), ids.rend()));  // newest (highest id) first
}

BOOST_AUTO_TEST_CASE(rejections_show_reason_size_and_hash_only) {
  const auto page = get_ok("/ops/api/webhooks/rejections");
  const auto& rows = page.at("rejections").as_array();
  BOOST_REQUIRE(rows.size() == 2u);
  const auto& newest = rows[0].as_object();
  BOOST_TEST(newest.at("body_bytes").as_int64() == 9);  // "{not json"
  BOOST_TEST(newest.at("body_sha256").as_string() == relay::domain::sha256_hex("{not json"));
  BOOST_TEST(newest.at("reason").as_string().starts_with("body"));
  BOOST_TEST(newest.at("received_at").is_string());
  BOOST_TEST(!newest.contains("body"));
  std::size_t pages = 0;
  const auto ids = all_pages("/ops/api/webhooks/rejections?limit=1", "rejections", pages);
  BOOST_TEST(ids.size() == 2u);
  BOOST_TEST(ids[0] > ids[1]);
}

BOOST_AUTO_TEST_CASE(audit_filters_by_actor_action_entity_and_time_with_paging) {
  // More events to page through: four more logins of vera's, one of another operator's.
  for (int i = 0; i < 4; ++i) (void)login_to(*relay.gateways, viewer);
  const auto other = add_operator_to(*relay.gateways, "otto", "operator");
  (void)login_to(*relay.gateways, other);

  const auto logins = get_ok("/ops/api/audit?action=operator.login&actor=operator:vera");
  BOOST_TEST(logins.at("events").as_array().size() == 5u);
  for (const auto& row : logins.at("events").as_array()) {
    BOOST_TEST(row.at("action").as_string() == "operator.login");
    BOOST_TEST(row.at("actor").as_string() == "operator:vera");
    BOOST_TEST(row.at("detail").at("lifetime_seconds").is_number());  // the detail as stored
  }
  BOOST_TEST(get_ok("/ops/api/audit?action=operator.login").at("events").as_array().size() == 6u);

  const auto created = get_ok("/ops/api/audit?action=operator.created&entity_type=operator");
  BOOST_REQUIRE(created.at("events").as_array().size() == 2u);
  const auto& newest = created.at("events").as_array()[0].as_object();
  BOOST_TEST(newest.at("detail").at("name").as_string() == "otto");
  BOOST_TEST(newest.at("detail").at("role").as_string() == "operator");
  const std::string otto_id(newest.at("entity_id").as_string());
  BOOST_TEST(get_ok("/ops/api/audit?entity_type=operator&entity_id=" + otto_id)
                 .at("events")
                 .as_array()
                 .size() == 2u);  // created, login

  BOOST_TEST(get_ok("/ops/api/audit?to=2000-01-01").at("events").as_array().empty());
  BOOST_TEST(get_ok("/ops/api/audit?from=2999-01-01").at("events").as_array().empty());
  BOOST_TEST(get_ok("/ops/api/audit?actor=operator:nobody").at("events").as_array().empty());

  std::size_t pages = 0;
  const auto ids = all_pages("/ops/api/audit?action=operator.login&limit=2", "events", pages);
  BOOST_TEST(pages == 3u);
  BOOST_TEST(ids.size() == 6u);
  BOOST_TEST(std::set<std::int64_t>(ids.begin(), ids.end()).size() == 6u);
  BOOST_TEST(std::is_sorted(ids.rbegin(), ids.rend()));
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_400_naming_the_field) {
  expect_refused("/ops/api/webhooks?limit=0", "limit");
  expect_refused("/ops/api/webhooks?limit=PAT-4711", "limit");
  expect_refused("/ops/api/webhooks?cursor=PAT-4711", "cursor");
  expect_refused("/ops/api/webhooks?type=" + std::string(101, 't'), "type");
  expect_refused("/ops/api/webhooks?outcome=a%0Ab", "outcome");
  expect_refused("/ops/api/webhooks?payload=PAT-4711", "payload");
  expect_refused("/ops/api/webhooks?from=2026-05-02&to=2026-05-01", "to");
  expect_refused("/ops/api/webhooks/rejections?from=PAT-4711", "from");
  expect_refused("/ops/api/webhooks/rejections?type=ping", "type");
  expect_refused("/ops/api/audit?from=yesterday", "from");
  expect_refused("/ops/api/audit?to=PAT-4711", "to");
  expect_refused("/ops/api/audit?limit=501", "limit");
  expect_refused("/ops/api/audit?cursor=1.PAT-4711", "cursor");
  expect_refused("/ops/api/audit?cursor=999999999999999999.1", "cursor");  // past year 9999
  expect_refused("/ops/api/audit?acter=operator:vera", "acter");
  expect_refused("/ops/api/audit?action=", "action");
  HttpClient anonymous("127.0.0.1", relay.gateways->gateway->ops_port());
  for (const char* target :
       {"/ops/api/webhooks", "/ops/api/webhooks/rejections", "/ops/api/audit"}) {
    BOOST_TEST(anonymous.get(target).status == 401, target);
    BOOST_TEST(relay.client->get(target).status == 404, target);  // vendor listener
  }
}

BOOST_AUTO_TEST_SUITE_END()
