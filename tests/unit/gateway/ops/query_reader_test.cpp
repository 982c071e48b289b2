// Unit tests for the operations API's query parameters: unknown names refused, bounded texts,
// limits, cursors, instants and flags, every refusal naming the parameter and not its value.
#include <boost/test/unit_test.hpp>

#include "gateway/ops/query_reader.hpp"

using namespace relay::ops;
using relay::api::parse_request_target;

namespace {
relay::api::RequestTarget target(const char* text) {
  auto parsed = parse_request_target(text);
  BOOST_REQUIRE(parsed.has_value());
  return *parsed;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(query_reader)

BOOST_AUTO_TEST_CASE(known_parameters_are_read) {
  const auto t = target("/x?actor=operator%3Aalice&limit=20&from=2026-05-01&reveal=1");
  QueryReader reader(t, {"actor", "limit", "from", "reveal"});
  BOOST_TEST(reader.text("actor").value_or("") == "operator:alice");
  BOOST_TEST(reader.limit() == 20);
  BOOST_TEST(reader.instant("from").has_value());
  BOOST_TEST(reader.flag("reveal"));
  BOOST_TEST(!reader.error().has_value());
}

BOOST_AUTO_TEST_CASE(defaults_when_absent) {
  const auto t = target("/x");
  QueryReader reader(t, {"limit", "cursor"});
  BOOST_TEST(reader.limit() == default_page_limit);
  BOOST_TEST(!reader.cursor().has_value());
  BOOST_TEST(!reader.flag("reveal"));
  BOOST_TEST(!reader.error().has_value());
}

BOOST_AUTO_TEST_CASE(an_unknown_parameter_is_named) {
  const auto t = target("/x?acter=bob");
  QueryReader reader(t, {"actor"});
  BOOST_REQUIRE(reader.error().has_value());
  BOOST_TEST(reader.error()->field.value_or("") == "acter");
  BOOST_TEST(reader.error()->message.find("bob") == std::string::npos);
  BOOST_TEST(reader.error()->message.find("actor") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_unprintable_unknown_name_is_not_quoted) {
  const auto t = target("/x?%3Cscript%3E=1");
  QueryReader reader(t, {"actor"});
  BOOST_REQUIRE(reader.error().has_value());
  BOOST_TEST(reader.error()->field.value_or("") == "(parameter)");
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_field_without_echoing) {
  struct Case {
    const char* query;
    const char* field;
  };
  for (const auto& c : {Case{"/x?limit=0", "limit"}, Case{"/x?limit=501", "limit"},
                        Case{"/x?limit=PAT-4711", "limit"}, Case{"/x?cursor=PAT-4711", "cursor"},
                        Case{"/x?cursor=12.", "cursor"}, Case{"/x?from=PAT-4711", "from"},
                        Case{"/x?reveal=PAT-4711", "reveal"}, Case{"/x?actor=", "actor"},
                        Case{"/x?actor=a%0Ab", "actor"}}) {
    const auto t = target(c.query);
    QueryReader reader(t, {"limit", "cursor", "from", "reveal", "actor"});
    (void)reader.limit();
    (void)reader.cursor();
    (void)reader.instant("from");
    (void)reader.flag("reveal");
    (void)reader.text("actor");
    BOOST_REQUIRE_MESSAGE(reader.error().has_value(), c.query);
    BOOST_TEST(reader.error()->field.value_or("") == c.field, c.query);
    BOOST_TEST(reader.error()->message.find("PAT-4711") == std::string::npos, c.query);
  }
}

BOOST_AUTO_TEST_CASE(texts_are_bounded_in_characters) {
  const std::string long_value(201, 'a');
  const auto t = target(("/x?actor=" + long_value).c_str());
  QueryReader reader(t, {"actor"});
  BOOST_TEST(!reader.text("actor").has_value());
  BOOST_TEST(reader.error()->field.value_or("") == "actor");
}

BOOST_AUTO_TEST_CASE(an_empty_range_names_to) {
  const auto t = target("/x?from=2026-05-02&to=2026-05-01");
  QueryReader reader(t, {"from", "to"});
  const auto from = reader.instant("from");
  const auto to = reader.instant("to");
  reader.require_order(from, to);
  BOOST_TEST(reader.error()->field.value_or("") == "to");
}

BOOST_AUTO_TEST_CASE(cursors_round_trip) {
  const PageCursor cursor{1'790'000'000'123'456, 42};
  const auto decoded = decode_cursor(encode_cursor(cursor));
  BOOST_REQUIRE(decoded.has_value());
  BOOST_TEST(decoded->at_micros == cursor.at_micros);
  BOOST_TEST(decoded->id == cursor.id);
  BOOST_TEST(!decode_cursor("-1.2").has_value());
  BOOST_TEST(!decode_cursor("1.2.3").has_value());
  BOOST_TEST(!decode_cursor("").has_value());
  BOOST_TEST(decode_cursor("253402300799999999.1").has_value());   // the end of year 9999
  BOOST_TEST(!decode_cursor("253402300800000000.1").has_value());  // beyond: would overflow SQL
}

BOOST_AUTO_TEST_CASE(uuids_in_text_form) {
  BOOST_TEST(is_uuid("0b7c2f9e-8d4a-4c1e-9f3b-2a6d5e4c3b21"));
  BOOST_TEST(is_uuid("0B7C2F9E-8D4A-4C1E-9F3B-2A6D5E4C3B21"));
  BOOST_TEST(!is_uuid("0b7c2f9e8d4a4c1e9f3b2a6d5e4c3b21"));
  BOOST_TEST(!is_uuid("0b7c2f9e-8d4a-4c1e-9f3b-2a6d5e4c3b2g"));
  BOOST_TEST(!is_uuid("not-a-uuid"));
}

BOOST_AUTO_TEST_SUITE_END()
