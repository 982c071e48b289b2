// Integration tests of the delivery actions and pauses on the operations API: roles, CSRF, vendor
// tokens, legal moves only (in-flight and accepted deliveries are skipped), dry runs, the cap, one
// audit event per call, and all-or-nothing bulk changes.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/ops/ops_fixture.hpp"

using namespace relay::testing;

namespace {

struct ActionsFixture : OpsFixture {
  ActionsFixture() : OpsFixture(R"("relay": {"enabled": false}, "ops": {"bulk_action_cap": 5})") {
    vendor = add_vendor("acme");
    auto client = client_for(vendor);
    // Two messages, eight deliveries (P-1..P-8), all queued (the relay is off).
    for (const auto& [id, patients] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"ACT-1", {"P-1", "P-2", "P-3", "P-4"}}, {"ACT-2", {"P-5", "P-6", "P-7", "P-8"}}}) {
      boost::json::array list;
      for (const auto& patient : patients)
        list.push_back(boost::json::object{{"externalId", patient}});
      const auto answer = client.post(
          "/api/OutgoingSecureMessages",
          boost::json::serialize(boost::json::object{{"externalId", id},
                                                     {"fromSecureRecipientExternalId", "DR-100"},
                                                     {"patients", std::move(list)},
                                                     {"subject", "Actions"},
                                                     {"body", "Body"},
                                                     {"status", "Sent"}}));
      BOOST_REQUIRE(answer.status == 200);
    }
    // P-1..P-3 dead, P-4 accepted, P-5 in flight (a worker holds it), P-6..P-8 queued.
    execute_sql(*this,
                "UPDATE deliveries SET state = 'dead', attempts = 8, last_error = 'attempts "
                "exhausted: send: HTTP 503', next_attempt_at = now() "
                "WHERE patient_external_id IN ('P-1', 'P-2', 'P-3')");
    execute_sql(*this,
                "UPDATE deliveries SET state = 'accepted', accepted_at = now() "
                "WHERE patient_external_id = 'P-4'");
    execute_sql(*this,
                "UPDATE deliveries SET state = 'sending', locked_by = 'elsewhere:1:1', "
                "locked_until = now() + interval '5 minutes' WHERE patient_external_id = 'P-5'");
  }

  VendorAccount vendor;

  std::int64_t id_of(const std::string& patient) {
    return count("SELECT id FROM deliveries WHERE patient_external_id = '" + patient + "'");
  }
  std::string state_of(const std::string& patient) {
    pqxx::connection connection(database.url());
    pqxx::read_transaction tx(connection);
    return tx.exec1("SELECT state FROM deliveries WHERE patient_external_id = '" + patient + "'")[0]
        .as<std::string>();
  }
  std::int64_t audit_count(const std::string& where) {
    return count("SELECT count(*) FROM audit_events WHERE " + where);
  }
};

boost::json::object posted(HttpClient& client, const std::string& target, int status = 200,
                           const std::string& body = "") {
  const auto answer = client.post(target, body);
  BOOST_REQUIRE_MESSAGE(answer.status == status,
                        target << ": " << answer.status << " " << answer.body);
  return parse_json(answer.body).as_object();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ops_delivery_actions, ActionsFixture)

BOOST_AUTO_TEST_CASE(viewers_read_but_cannot_act) {
  auto viewer = ops_client_for(add_operator("vera", "viewer"));
  const std::string one = "/ops/api/deliveries/" + std::to_string(id_of("P-1"));
  for (const std::string& target :
       {one + "/retry", one + "/cancel", std::string("/ops/api/deliveries/retry?state=dead"),
        std::string("/ops/api/deliveries/cancel?state=dead"), std::string("/ops/api/pause"),
        std::string("/ops/api/resume")}) {
    const auto answer = viewer.post(target, "");
    BOOST_TEST(answer.status == 403, target);
    BOOST_TEST(parse_json(answer.body).at("error").as_string() == "forbidden", target);
  }
  BOOST_TEST(viewer.get("/ops/api/pauses").status == 200);
  BOOST_TEST(state_of("P-1") == "dead");
  BOOST_TEST(count("SELECT count(*) FROM relay_pauses") == 0);
}

BOOST_AUTO_TEST_CASE(vendor_tokens_and_cookies_without_csrf_are_refused) {
  auto with_vendor_token = ops_anonymous_client();
  with_vendor_token.set_default_header("Authorization", "Bearer " + token_for(vendor));
  BOOST_TEST(with_vendor_token.post("/ops/api/deliveries/retry?state=dead", "").status == 401);
  BOOST_TEST(with_vendor_token.post("/ops/api/pause", "").status == 401);

  const auto oscar = add_operator("oscar", "operator");
  const auto session = login(oscar);
  auto browser = ops_anonymous_client();
  const std::string cookie = "relay_ops_session=" + session.token;
  const auto refused =
      browser.post("/ops/api/deliveries/retry?state=dead", "", {{"Cookie", cookie}});
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(parse_json(refused.body).at("error").as_string() == "csrf");
  BOOST_TEST(browser.post("/ops/api/pause", "", {{"Cookie", cookie}}).status == 403);
  BOOST_TEST(state_of("P-1") == "dead");
  const auto done = browser.post("/ops/api/deliveries/retry?state=dead", "",
                                 {{"Cookie", cookie}, {"X-CSRF-Token", session.csrf_token}});
  BOOST_TEST(done.status == 200, done.body);
  BOOST_TEST(state_of("P-1") == "queued");
}

BOOST_AUTO_TEST_CASE(one_delivery_moves_only_where_the_state_machine_allows) {
  auto oscar = ops_client_for(add_operator("oscar", "operator"));
  const auto one = [this](const std::string& patient, const std::string& action) {
    return "/ops/api/deliveries/" + std::to_string(id_of(patient)) + "/" + action;
  };

  // A dry run counts and changes nothing.
  const auto preview = posted(oscar, one("P-1", "retry") + "?dry_run=true");
  BOOST_TEST(preview.at("matched").as_int64() == 1);
  BOOST_TEST(preview.at("would_change").as_int64() == 1);
  BOOST_TEST(state_of("P-1") == "dead");
  BOOST_TEST(audit_count("actor = 'operator:oscar' AND event LIKE 'deliveries.%'") == 0);

  const auto retried = posted(oscar, one("P-1", "retry"));
  BOOST_TEST(retried.at("changed").as_int64() == 1);
  BOOST_TEST(retried.at("skipped").as_int64() == 0);
  BOOST_TEST(retried.at("state").as_string() == "queued");
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE patient_external_id = 'P-1' AND "
                   "attempts = 0 AND last_error IS NULL AND next_attempt_at IS NULL") == 1);
  BOOST_TEST(audit_count("actor = 'operator:oscar' AND event = 'deliveries.retry' AND "
                         "entity_type = 'delivery' AND (detail->>'changed')::int = 1") == 1);
  BOOST_TEST(audit_count("actor = 'operator:oscar' AND event = 'delivery.requeued' AND "
                         "detail->>'from' = 'dead' AND detail->>'to' = 'queued'") == 1);

  // Illegal moves are skipped, not errors: accepted (Metriport has it), in flight (a worker holds
  // it), queued for a retry (not dead).
  for (const auto& [patient, action, state] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"P-4", "retry", "accepted"},
                                                                      {"P-4", "cancel", "accepted"},
                                                                      {"P-5", "cancel", "sending"},
                                                                      {"P-5", "retry", "sending"},
                                                                      {"P-6", "retry", "queued"}}) {
    BOOST_TEST_CONTEXT(patient << " " << action) {
      const auto skipped = posted(oscar, one(patient, action));
      BOOST_TEST(skipped.at("matched").as_int64() == 1);
      BOOST_TEST(skipped.at("changed").as_int64() == 0);
      BOOST_TEST(skipped.at("skipped").as_int64() == 1);
      BOOST_TEST(skipped.at("state").as_string() == state);
      BOOST_TEST(state_of(patient) == state);
    }
  }
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE patient_external_id = 'P-5' AND "
                   "locked_by = 'elsewhere:1:1'") == 1);

  const auto cancelled = posted(oscar, one("P-6", "cancel"));
  BOOST_TEST(cancelled.at("changed").as_int64() == 1);
  BOOST_TEST(state_of("P-6") == "cancelled");
  BOOST_TEST(posted(oscar, one("P-6", "retry")).at("skipped").as_int64() == 1);  // terminal

  // Unknown and malformed ids, and parameters a single action does not take.
  const auto missing = oscar.post("/ops/api/deliveries/999999/retry", "");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(parse_json(missing.body).at("error").as_string() == "not_found");
  const auto malformed = oscar.post("/ops/api/deliveries/abc/retry", "");
  BOOST_TEST(malformed.status == 400);
  BOOST_TEST(parse_json(malformed.body).at("field").as_string() == "id");
  const auto with_filter = oscar.post(one("P-2", "retry") + "?state=dead", "");
  BOOST_TEST(with_filter.status == 400);
  BOOST_TEST(parse_json(with_filter.body).at("field").as_string() == "state");
  const auto bad_dry_run = oscar.post(one("P-2", "retry") + "?dry_run=perhaps", "");
  BOOST_TEST(bad_dry_run.status == 400);
  BOOST_TEST(parse_json(bad_dry_run.body).at("field").as_string() == "dry_run");
  BOOST_TEST(state_of("P-2") == "dead");
}

BOOST_AUTO_TEST_CASE(bulk_actions_follow_the_filter_with_preview_and_cap) {
  auto oscar = ops_client_for(add_operator("oscar", "operator"));
  // Without any filter: refused (never "everything" by accident).
  const auto unfiltered = oscar.post("/ops/api/deliveries/cancel", "");
  BOOST_TEST(unfiltered.status == 400);
  BOOST_TEST(parse_json(unfiltered.body).at("field").as_string() == "filter");
  const auto typo = oscar.post("/ops/api/deliveries/cancel?stat=dead", "");
  BOOST_TEST(typo.status == 400);
  BOOST_TEST(parse_json(typo.body).at("field").as_string() == "stat");
  const auto bad_state = oscar.post("/ops/api/deliveries/retry?state=zombie", "");
  BOOST_TEST(bad_state.status == 400);
  BOOST_TEST(parse_json(bad_state.body).at("field").as_string() == "state");

  // Eight match the vendor; the cap is 5: refused as a whole, naming the cap; a dry run still
  // counts.
  const auto over = oscar.post("/ops/api/deliveries/cancel?vendor=acme", "");
  BOOST_TEST(over.status == 409);
  const auto over_body = parse_json(over.body).as_object();
  BOOST_TEST(over_body.at("field").as_string() == "bulk_action_cap");
  BOOST_TEST(over_body.at("cap").as_int64() == 5);
  BOOST_TEST(over_body.at("matched").as_int64() == 8);
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'cancelled'") == 0);
  const auto over_preview = posted(oscar, "/ops/api/deliveries/cancel?vendor=acme&dry_run=1");
  BOOST_TEST(over_preview.at("matched").as_int64() == 8);
  // Legal cancels: 3 dead + 3 queued (not accepted, not in flight).
  BOOST_TEST(over_preview.at("would_change").as_int64() == 6);
  BOOST_TEST(over_preview.size() == 2u);

  // Preview, then the retry by filter: only the dead ones of the filter move.
  const auto preview = posted(oscar, "/ops/api/deliveries/retry?error=HTTP%20503&dry_run=true");
  BOOST_TEST(preview.at("matched").as_int64() == 3);
  BOOST_TEST(preview.at("would_change").as_int64() == 3);
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'dead'") == 3);
  const auto retried = posted(oscar, "/ops/api/deliveries/retry?error=HTTP%20503");
  BOOST_TEST(retried.at("matched").as_int64() == 3);
  BOOST_TEST(retried.at("changed").as_int64() == 3);
  BOOST_TEST(retried.at("skipped").as_int64() == 0);
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'dead'") == 0);
  BOOST_TEST(audit_count("event = 'delivery.requeued' AND actor = 'operator:oscar'") == 3);
  BOOST_TEST(audit_count("event = 'deliveries.retry' AND entity_type = 'deliveries' AND "
                         "actor = 'operator:oscar' AND detail->'filter'->>'error' = 'HTTP 503' "
                         "AND (detail->>'matched')::int = 3 AND (detail->>'changed')::int = 3") ==
             1);

  // A filter that matches rows no move applies to: all skipped.
  const auto skipped = posted(oscar, "/ops/api/deliveries/cancel?state=accepted,sending");
  BOOST_TEST(skipped.at("matched").as_int64() == 2);
  BOOST_TEST(skipped.at("changed").as_int64() == 0);
  BOOST_TEST(skipped.at("skipped").as_int64() == 2);

  // The patient's id in the call's audit event is masked.
  const auto by_patient = posted(oscar, "/ops/api/deliveries/cancel?patient_external_id=P-7");
  BOOST_TEST(by_patient.at("changed").as_int64() == 1);
  BOOST_TEST(audit_count("event = 'deliveries.cancel' AND detail::text LIKE '%P-7%'") == 0);
  BOOST_TEST(
      audit_count("event = 'deliveries.cancel' AND "
                  "detail->'filter'->>'patient_external_id' = '\u2022\u2022\u2022' || '7'") == 1);
}

BOOST_AUTO_TEST_CASE(a_bulk_action_that_fails_midway_changes_nothing) {
  // A trigger refuses the second dead row's change: the first must not stay changed either.
  execute_sql(*this, R"sql(
CREATE FUNCTION refuse_p2() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
CREATE TRIGGER refuse_p2 BEFORE UPDATE ON deliveries FOR EACH ROW
WHEN (OLD.patient_external_id = 'P-2') EXECUTE FUNCTION refuse_p2();)sql");
  auto oscar = ops_client_for(add_operator("oscar", "operator"));
  const auto answer = oscar.post("/ops/api/deliveries/retry?state=dead", "");
  BOOST_TEST(answer.status == 500);
  BOOST_TEST(count("SELECT count(*) FROM deliveries WHERE state = 'dead'") == 3);
  BOOST_TEST(audit_count("event IN ('deliveries.retry', 'delivery.requeued')") == 0);
}

BOOST_AUTO_TEST_CASE(pauses_are_stored_listed_and_audited) {
  auto oscar = ops_client_for(add_operator("oscar", "operator"));
  auto viewer = ops_client_for(add_operator("vera", "viewer"));
  const auto global = posted(oscar, "/ops/api/pause");
  BOOST_TEST(global.at("scope").as_string() == "global");
  BOOST_TEST(global.at("changed").as_bool());
  BOOST_TEST(!posted(oscar, "/ops/api/pause", 200, "{}").at("changed").as_bool());  // already
  const auto acme = posted(oscar, "/ops/api/pause", 200, R"({"vendor":"acme"})");
  BOOST_TEST(acme.at("scope").as_string() == "vendor");
  BOOST_TEST(acme.at("vendor").as_string() == "acme");

  const auto listed = parse_json(viewer.get("/ops/api/pauses").body).at("pauses").as_array();
  BOOST_REQUIRE(listed.size() == 2u);
  BOOST_TEST(listed[0].at("scope").as_string() == "global");
  BOOST_TEST(listed[0].at("vendor").is_null());
  BOOST_TEST(listed[0].at("paused_by").as_string() == "operator:oscar");
  BOOST_TEST(listed[1].at("vendor").as_string() == "acme");

  // Refusals: unknown vendor 404 naming vendor; malformed bodies 400 naming the field; not JSON
  // 415.
  const auto unknown = oscar.post("/ops/api/pause", R"({"vendor":"Jane Doe"})");
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(parse_json(unknown.body).at("field").as_string() == "vendor");
  BOOST_TEST(unknown.body.find("Jane") == std::string::npos);
  const auto not_string = oscar.post("/ops/api/resume", R"({"vendor":7})");
  BOOST_TEST(not_string.status == 400);
  BOOST_TEST(parse_json(not_string.body).at("field").as_string() == "vendor");
  const auto extra = oscar.post("/ops/api/resume", R"({"vendor":"acme","all":true})");
  BOOST_TEST(extra.status == 400);
  BOOST_TEST(parse_json(extra.body).at("field").as_string() == "all");
  const auto broken = oscar.post("/ops/api/resume", "{");
  BOOST_TEST(broken.status == 400);
  BOOST_TEST(parse_json(broken.body).at("field").as_string() == "body");
  BOOST_TEST(
      oscar.post("/ops/api/resume", "vendor=acme", {{"Content-Type", "text/plain"}}).status == 415);

  // Resuming one scope leaves the other.
  BOOST_TEST(posted(oscar, "/ops/api/resume").at("changed").as_bool());
  BOOST_TEST(count("SELECT count(*) FROM relay_pauses") == 1);
  BOOST_TEST(posted(oscar, "/ops/api/resume", 200, R"({"vendor":"acme"})").at("changed").as_bool());
  BOOST_TEST(count("SELECT count(*) FROM relay_pauses") == 0);
  BOOST_TEST(count("SELECT count(*) FROM audit_events WHERE actor = 'operator:oscar' AND "
                   "event IN ('relay.paused', 'relay.resumed')") == 5);
}

BOOST_AUTO_TEST_SUITE_END()
