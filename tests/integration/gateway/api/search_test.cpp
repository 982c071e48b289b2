// Integration tests of GET /api/outgoingSecureMessages/search: filters, paging wrapper, body
// preview, and escaping of LIKE wildcards in the vendor's text.
#include <boost/test/unit_test.hpp>

#include "tests/integration/gateway/api/gateway_fixture.hpp"

using namespace relay::testing;

namespace {

std::string message_json(const std::string& external_id, const std::string& subject,
                         const std::string& body, const std::string& status,
                         const std::string& priority, const std::string& patient) {
  boost::json::object message{
      {"externalId", external_id},
      {"fromSecureRecipientExternalId", "DR-100"},
      {"fromSecureRecipientName", "Dr. Ana Ruiz"},
      {"patients", boost::json::array{boost::json::object{{"externalId", patient}}}},
      {"subject", subject},
      {"body", body},
      {"status", status},
      {"priority", priority}};
  return boost::json::serialize(message);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(search, GatewayFixture)

BOOST_AUTO_TEST_CASE(filters_paging_and_wrapper) {
  auto client = client_for(add_vendor("acme"));
  for (int i = 0; i < 12; ++i) {
    const auto answer = client.post(
        "/api/OutgoingSecureMessages",
        message_json("M-" + std::to_string(i), i % 2 ? "Lab results" : "Referral 100% done",
                     std::string(300, 'x') + std::to_string(i), i < 3 ? "Draft" : "Sent",
                     i % 3 == 0 ? "High" : "Normal", "PAT-" + std::to_string(i % 4)));
    BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
  }

  auto page = parse_json(client.get("/api/outgoingSecureMessages/search").body).as_object();
  BOOST_TEST(page.at("totalItems").as_int64() == 12);
  BOOST_TEST(page.at("itemsPerPage").as_int64() == 10);
  BOOST_TEST(page.at("currentPage").as_int64() == 1);
  BOOST_TEST(page.at("totalPages").as_int64() == 2);
  BOOST_TEST(page.at("firstRowOnPage").as_int64() == 1);
  BOOST_TEST(page.at("lastRowOnPage").as_int64() == 10);
  BOOST_TEST(page.at("rows").as_array().size() == 10u);
  const auto& first_row = page.at("rows").as_array().at(0).as_object();
  BOOST_TEST(first_row.at("body").as_string().size() <= 200u);

  page = parse_json(client.get("/api/outgoingSecureMessages/search?page=2&getFullBody=true").body)
             .as_object();
  BOOST_TEST(page.at("firstRowOnPage").as_int64() == 11);
  BOOST_TEST(page.at("lastRowOnPage").as_int64() == 12);
  BOOST_TEST(page.at("rows").as_array().at(0).at("body").as_string().size() > 300u);

  auto total = [&](const std::string& query) {
    const auto answer = client.get("/api/outgoingSecureMessages/search?" + query);
    BOOST_TEST_REQUIRE(answer.status == 200, answer.body);
    return parse_json(answer.body).at("totalItems").as_int64();
  };
  BOOST_TEST(total("priority=high") == 4);
  BOOST_TEST(total("subject=lab") == 6);
  BOOST_TEST(total("subject=100%25") == 6);  // a literal '%', not a wildcard
  BOOST_TEST(total("subject=1_0") == 0);     // a literal '_', not a wildcard
  BOOST_TEST(total("patientExternalId=PAT-1") == 3);
  BOOST_TEST(total("searchTerm=referral") == 6);
  BOOST_TEST(total("fromSecureRecipientName=ruiz") == 12);
  BOOST_TEST(total("status=Sent") == 0);  // none delivered yet: all still Draft on the portal
  BOOST_TEST(total("status=Draft") == 12);
  BOOST_TEST(total("sentDateOperator=GreaterThan&sentDate1=2000-01-01") == 0);
}

BOOST_AUTO_TEST_CASE(bad_parameters_name_the_parameter) {
  auto client = client_for(add_vendor("acme"));
  const auto answer = client.get("/api/outgoingSecureMessages/search?itemsPerPage=0&status=Maybe");
  BOOST_TEST(answer.status == 400);
  const auto state = parse_json(answer.body).at("modelState").as_object();
  BOOST_TEST(state.contains("itemsPerPage"));
  BOOST_TEST(state.contains("status"));
}

BOOST_AUTO_TEST_SUITE_END()
