// Integration tests of GET /ops/api/deliveries: every filter, the PHI rules (masked patient ids,
// error classes only), refusals naming the parameter, and keyset paging over a few hundred
// deliveries while new ones arrive.
#include <boost/test/unit_test.hpp>

#include <set>

#include "tests/integration/gateway/ops/ops_fixture.hpp"

using namespace relay::testing;

namespace {

std::string message_json(const std::string& external_id, const std::vector<std::string>& patients,
                         const std::string& sender = "DR-100") {
  boost::json::array list;
  for (const auto& patient : patients) {
    list.push_back(boost::json::object{{"externalId", patient}, {"isRepresentative", false}});
  }
  return boost::json::serialize(boost::json::object{{"externalId", external_id},
                                                    {"fromSecureRecipientExternalId", sender},
                                                    {"fromSecureRecipientName", "Dr. Hidden Name"},
                                                    {"patients", std::move(list)},
                                                    {"subject", "Secret lab subject"},
                                                    {"body", "Secret body text"},
                                                    {"status", "Sent"},
                                                    {"priority", "Normal"}});
}

void post_message(HttpClient& vendor, const std::string& external_id,
                  const std::vector<std::string>& patients, const std::string& sender = "DR-100") {
  const auto answer =
      vendor.post("/api/OutgoingSecureMessages", message_json(external_id, patients, sender));
  BOOST_REQUIRE_MESSAGE(answer.status == 200, "post failed: " << answer.status);
}

boost::json::object listed(HttpClient& client, const std::string& query) {
  const auto answer = client.get("/ops/api/deliveries" + query);
  BOOST_REQUIRE_MESSAGE(answer.status == 200, query << ": " << answer.status << " " << answer.body);
  return parse_json(answer.body).as_object();
}

std::int64_t total_of(HttpClient& client, const std::string& query) {
  return listed(client, query).at("total").as_int64();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ops_delivery_list, OpsFixture)

BOOST_AUTO_TEST_CASE(rows_show_ids_and_states_but_no_phi) {
  const auto vendor = add_vendor("acme");
  auto vendor_client = client_for(vendor);
  post_message(vendor_client, "LIST-1", {"PAT-00012345", "PAT-00067890"});
  execute_sql(*this,
              "UPDATE deliveries SET state = 'dead', attempts = 3, last_error = "
              "'attempts exhausted: send: HTTP 400 Missing or invalid parameters: subject: "
              "Secret lab subject for Jane Roe' WHERE patient_external_id = 'PAT-00012345'");
  execute_sql(*this,
              "INSERT INTO delivery_sends (delivery_id, part, parts, metriport_message_id, status) "
              "SELECT id, 1, 1, '0b7f1c9e-0000-4000-8000-000000000001', 'processing' "
              "FROM deliveries WHERE patient_external_id = 'PAT-00067890'");

  auto viewer = ops_client_for(add_operator("vera", "viewer"));
  const auto answer = viewer.get("/ops/api/deliveries");
  BOOST_REQUIRE(answer.status == 200);
  for (const char* phi : {"PAT-00012345", "PAT-00067890", "Secret", "Jane Roe", "Hidden Name"}) {
    BOOST_TEST(answer.body.find(phi) == std::string::npos, phi);
  }
  const auto body = parse_json(answer.body).as_object();
  BOOST_TEST(body.at("total").as_int64() == 2);
  BOOST_TEST(body.at("next_cursor").is_null());
  const auto& rows = body.at("deliveries").as_array();
  BOOST_REQUIRE(rows.size() == 2u);
  // Newest first; one message, so by id descending: position 1 then position 0.
  const auto& second = rows[0].as_object();
  const auto& first = rows[1].as_object();
  BOOST_TEST(first.at("patient_position").as_int64() == 0);
  BOOST_TEST(first.at("patient_external_id_masked").as_string() == "\u2022\u2022\u20222345");
  BOOST_TEST(first.at("state").as_string() == "dead");
  BOOST_TEST(first.at("attempts").as_int64() == 3);
  BOOST_TEST(first.at("last_error").as_string() ==
             "attempts exhausted: send: HTTP 400: (details withheld)");
  BOOST_TEST(first.at("vendor").as_string() == "acme");
  BOOST_TEST(first.at("sender").as_string() == "DR-100");
  BOOST_TEST(first.at("priority").as_string() == "Normal");
  BOOST_TEST(first.at("flagged").as_bool() == false);
  BOOST_TEST(first.at("metriport_message_ids").as_array().empty());
  BOOST_TEST(first.at("accepted_at").is_null());
  BOOST_TEST(first.at("created_at").as_string().size() == 24u);  // 2026-05-29T16:57:00.315Z
  BOOST_TEST(first.at("message_id").as_string() == second.at("message_id").as_string());
  BOOST_TEST(second.at("patient_external_id_masked").as_string() == "\u2022\u2022\u20227890");
  BOOST_TEST(second.at("last_error").is_null());
  BOOST_TEST(second.at("metriport_message_ids").as_array().at(0).as_string() ==
             "0b7f1c9e-0000-4000-8000-000000000001");
}

BOOST_AUTO_TEST_CASE(every_filter_narrows_the_list_and_the_total) {
  const auto acme = add_vendor("acme");
  const auto beta = add_vendor("beta");
  auto acme_client = client_for(acme);
  auto beta_client = client_for(beta);
  post_message(acme_client, "F-1", {"P-A1", "P-A2", "P-A3"}, "DR-1");
  post_message(acme_client, "F-2", {"P-A4"}, "DR-2");
  post_message(beta_client, "F-3", {"P-B1", "P-B2"}, "DR-1");
  execute_sql(*this,
              "UPDATE deliveries SET state = 'dead', last_error = 'patient not found in Metriport: "
              "no patient has this portal ExternalId' WHERE patient_external_id IN ('P-A1', "
              "'P-B1')");
  execute_sql(*this,
              "UPDATE deliveries SET state = 'failed', last_error = 'Rejected 100%_sure' "
              "WHERE patient_external_id = 'P-A2'");
  execute_sql(*this,
              "UPDATE deliveries SET created_at = '2026-01-15T12:00:00Z' "
              "WHERE patient_external_id IN ('P-A3', 'P-A4')");

  auto viewer = ops_client_for(add_operator("vera", "viewer"));
  BOOST_TEST(total_of(viewer, "") == 6);
  BOOST_TEST(total_of(viewer, "?state=dead") == 2);
  BOOST_TEST(total_of(viewer, "?state=dead,failed") == 3);
  BOOST_TEST(total_of(viewer, "?state=queued") == 3);
  BOOST_TEST(total_of(viewer, "?vendor=acme") == 4);
  BOOST_TEST(total_of(viewer, "?vendor=nobody") == 0);
  BOOST_TEST(total_of(viewer, "?sender=DR-1") == 5);
  BOOST_TEST(total_of(viewer, "?sender=DR") == 0);  // exact, not a substring
  BOOST_TEST(total_of(viewer, "?patient_external_id=P-B2") == 1);
  BOOST_TEST(total_of(viewer, "?error=PATIENT%20NOT%20FOUND") == 2);  // case-insensitive
  BOOST_TEST(total_of(viewer, "?error=100%25_") == 1);                // % and _ are literal
  BOOST_TEST(total_of(viewer, "?error=1%25%25") == 0);
  BOOST_TEST(total_of(viewer, "?error=_") == 1);
  BOOST_TEST(total_of(viewer, "?created_to=2026-02-01") == 2);
  BOOST_TEST(
      total_of(viewer, "?created_from=2026-01-15T12:00:00Z&created_to=2026-01-15T12:00:01Z") == 2);
  BOOST_TEST(total_of(viewer, "?created_from=2026-02-01") == 4);
  BOOST_TEST(total_of(viewer, "?vendor=acme&state=dead&sender=DR-1") == 1);
  const auto page = listed(viewer, "?state=dead&limit=1");
  BOOST_TEST(page.at("total").as_int64() == 2);
  BOOST_TEST(page.at("deliveries").as_array().size() == 1u);
  BOOST_TEST(page.at("deliveries").as_array()[0].at("last_error").as_string() ==
             "patient not found in Metriport: no patient has this portal ExternalId");
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_refused_naming_the_field) {
  const auto vendor = add_vendor("acme");
  auto vendor_client = client_for(vendor);
  post_message(vendor_client, "BAD-1", {"P-1", "P-2", "P-3"});
  auto viewer = ops_client_for(add_operator("vera", "viewer"));
  const auto first = listed(viewer, "?limit=1");
  const std::string cursor(first.at("next_cursor").as_string());
  std::string tampered = cursor;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';

  const std::vector<std::pair<std::string, std::string>> cases = {
      {"?state=Jane%20Doe", "state"},
      {"?state=dead,nope", "state"},
      {"?limit=0", "limit"},
      {"?limit=501", "limit"},
      {"?limit=ten", "limit"},
      {"?cursor=Jane%20Doe", "cursor"},
      {"?cursor=" + tampered, "cursor"},
      {"?created_from=Jane%20Doe", "created_from"},
      {"?created_from=2026-02-01&created_to=2026-01-01", "created_to"},
      {"?patient_external_id=", "patient_external_id"},
      {"?error=" + std::string(201, 'x'), "error"},
      {"?sort=newest", "sort"},
      {"?dry_run=true", "dry_run"},  // the listing has no dry run
  };
  for (const auto& [query, field] : cases) {
    BOOST_TEST_CONTEXT(query) {
      const auto answer = viewer.get("/ops/api/deliveries" + query);
      BOOST_TEST(answer.status == 400);
      BOOST_TEST(answer.body.find("Jane") == std::string::npos);
      BOOST_TEST(parse_json(answer.body).at("field").as_string() == field);
    }
  }
  BOOST_TEST(viewer.get("/ops/api/deliveries?limit=500").status == 200);
  BOOST_TEST(viewer.get("/ops/api/deliveries?limit=1&cursor=" + cursor).status == 200);
}

BOOST_AUTO_TEST_CASE(only_operator_credentials_read_the_list) {
  const auto vendor = add_vendor("acme");
  auto vendor_client = client_for(vendor);
  BOOST_TEST(vendor_client.get("/ops/api/deliveries").status == 404);  // the vendor port
  auto with_vendor_token = ops_anonymous_client();
  with_vendor_token.set_default_header("Authorization", "Bearer " + token_for(vendor));
  BOOST_TEST(with_vendor_token.get("/ops/api/deliveries").status == 401);
  BOOST_TEST(ops_anonymous_client().get("/ops/api/deliveries").status == 401);
  for (const char* role : {"viewer", "operator", "admin"}) {
    auto client = ops_client_for(add_operator(std::string("who-") + role, role));
    BOOST_TEST(client.get("/ops/api/deliveries").status == 200, role);
  }
}

BOOST_AUTO_TEST_CASE(keyset_paging_walks_every_delivery_once_while_more_arrive) {
  const auto vendor = add_vendor("acme");
  auto vendor_client = client_for(vendor);
  for (int m = 0; m < 60; ++m) {
    post_message(vendor_client, "PAGE-" + std::to_string(m), {"P-1", "P-2", "P-3", "P-4", "P-5"});
  }
  std::set<std::int64_t> existing;
  {
    pqxx::connection connection(database.url());
    pqxx::read_transaction tx(connection);
    for (const auto& row : tx.exec("SELECT id FROM deliveries")) {
      existing.insert(row[0].as<std::int64_t>());
    }
  }
  BOOST_REQUIRE(existing.size() == 300u);

  auto viewer = ops_client_for(add_operator("vera", "viewer"));
  std::vector<std::int64_t> seen;
  std::string query = "?limit=37";
  int pages = 0;
  int arrivals = 0;
  for (; pages < 20; ++pages) {
    const auto page = listed(viewer, query);
    // The total is everything matching now: the first page's is the starting count.
    if (pages == 0) BOOST_TEST(page.at("total").as_int64() == 300);
    BOOST_TEST(page.at("total").as_int64() == 300 + 2 * arrivals);
    for (const auto& row : page.at("deliveries").as_array()) {
      seen.push_back(row.at("id").as_int64());
    }
    if (page.at("next_cursor").is_null()) break;
    query = "?limit=37&cursor=" + std::string(page.at("next_cursor").as_string());
    // Newer deliveries arrive between pages: they sort before the cursor, so never on a later page.
    post_message(vendor_client, "NEW-" + std::to_string(pages), {"P-8", "P-9"});
    ++arrivals;
  }
  BOOST_TEST(pages == 8);  // 300 rows in pages of 37: 9 pages
  const std::set<std::int64_t> distinct(seen.begin(), seen.end());
  BOOST_TEST(distinct.size() == seen.size());              // no duplicates
  BOOST_TEST(distinct == existing);                        // no gaps, and nothing newer
  BOOST_TEST(std::is_sorted(seen.rbegin(), seen.rend()));  // newest (highest id) first

  // The same walk with a filter: its total and its rows agree.
  std::size_t filtered = 0;
  query = "?patient_external_id=P-3&limit=7";
  for (int page_number = 0; page_number < 20; ++page_number) {
    const auto page = listed(viewer, query);
    BOOST_TEST(page.at("total").as_int64() == 60);
    filtered += page.at("deliveries").as_array().size();
    if (page.at("next_cursor").is_null()) break;
    query = "?patient_external_id=P-3&limit=7&cursor=" +
            std::string(page.at("next_cursor").as_string());
  }
  BOOST_TEST(filtered == 60u);
}

BOOST_AUTO_TEST_SUITE_END()
