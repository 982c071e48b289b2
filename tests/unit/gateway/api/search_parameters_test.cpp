// Unit tests for the search endpoint's query parameters: defaults, case-insensitive names and
// values, and a 400 naming the parameter for each value that cannot be used.
#include <boost/test/unit_test.hpp>

#include "gateway/api/search_parameters.hpp"

using namespace relay;

namespace {
domain::Outcome<pg::SearchQuery> parse(const std::string& target) {
  auto parsed = api::parse_request_target(target);
  BOOST_REQUIRE(parsed.has_value());
  return api::parse_search_parameters(*parsed);
}

bool names(const domain::RequestError& error, const std::string& field) {
  for (const auto& entry : error.fields) {
    if (entry.field == field) return true;
  }
  return false;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(search_parameters)

BOOST_AUTO_TEST_CASE(defaults) {
  auto query = parse("/api/outgoingSecureMessages/search");
  BOOST_REQUIRE(query.has_value());
  BOOST_TEST(query->page == 1);
  BOOST_TEST(query->items_per_page == 10);
  BOOST_TEST(!query->full_body);
  BOOST_TEST((query->sent_date_operator == pg::SentDateOperator::none));
}

BOOST_AUTO_TEST_CASE(filters_with_any_name_case) {
  auto query = parse(
      "/api/outgoingSecureMessages/search?Status=sent&PRIORITY=high&subject=lab+results&"
      "patientExternalId=PAT-1&sentDateOperator=Between&sentDate1=2026-01-01&sentDate2=2026-02-01&"
      "page=2&itemsPerPage=25&getFullBody=TRUE&searchTerm=%25off");
  BOOST_REQUIRE(query.has_value());
  BOOST_TEST((query->status == domain::PortalStatus::sent));
  BOOST_TEST((query->priority == domain::Priority::high));
  BOOST_TEST(query->subject.value() == "lab results");
  BOOST_TEST(query->patient_external_id.value() == "PAT-1");
  BOOST_TEST((query->sent_date_operator == pg::SentDateOperator::between));
  BOOST_TEST(query->sent_date2.value() > query->sent_date1.value());
  BOOST_TEST(query->page == 2);
  BOOST_TEST(query->items_per_page == 25);
  BOOST_TEST(query->full_body);
  BOOST_TEST(query->search_term.value() == "%off");
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_parameter) {
  auto query =
      parse("/x?status=Queued&page=0&itemsPerPage=1000&sentDateOperator=Around&sentDate1=soon");
  BOOST_REQUIRE(!query.has_value());
  BOOST_TEST(names(query.error(), "status"));
  BOOST_TEST(names(query.error(), "page"));
  BOOST_TEST(names(query.error(), "itemsPerPage"));
  BOOST_TEST(names(query.error(), "sentDateOperator"));
  BOOST_TEST(names(query.error(), "sentDate1"));
}

BOOST_AUTO_TEST_CASE(operator_needs_its_dates) {
  BOOST_TEST(names(parse("/x?sentDateOperator=Equals").error(), "sentDate1"));
  BOOST_TEST(names(parse("/x?sentDateOperator=Between&sentDate1=2026-01-01").error(), "sentDate2"));
  BOOST_TEST(parse("/x?sentDateOperator=NotCompare").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
