// Unit tests for the operators' delivery filter: every parameter, the refusals that name the field,
// unknown parameters, and the state list kept equal to the relay's.
#include <boost/test/unit_test.hpp>

#include <string>

#include "gateway/domain/ops/delivery_filter.hpp"
#include "gateway/relay/delivery_state.hpp"

using namespace relay::domain::ops;

namespace {

using Params = std::map<std::string, std::string>;

DeliveryFilter accepted(const Params& params) {
  auto parsed = parse_delivery_filter(params, {"limit"});
  BOOST_TEST_REQUIRE(std::holds_alternative<DeliveryFilter>(parsed));
  return std::get<DeliveryFilter>(parsed);
}

FilterError refused(const Params& params) {
  auto parsed = parse_delivery_filter(params);
  BOOST_TEST_REQUIRE(std::holds_alternative<FilterError>(parsed));
  return std::get<FilterError>(parsed);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_filter)

BOOST_AUTO_TEST_CASE(the_state_names_are_the_relays) {
  BOOST_TEST_REQUIRE(delivery_state_names.size() == relay::engine::all_delivery_states.size());
  for (std::size_t i = 0; i < delivery_state_names.size(); ++i) {
    BOOST_TEST(delivery_state_names[i] ==
               relay::engine::to_text(relay::engine::all_delivery_states[i]));
  }
}

BOOST_AUTO_TEST_CASE(no_parameter_matches_everything) {
  BOOST_TEST(accepted({}).matches_everything());
  BOOST_TEST(accepted({{"limit", "10"}}).matches_everything());  // the caller's own parameter
}

BOOST_AUTO_TEST_CASE(every_parameter_is_read) {
  const auto filter = accepted({{"state", "dead, failed,dead"},
                                {"vendor", "acme"},
                                {"sender", "DR-100"},
                                {"patient_external_id", "PAT-00012345"},
                                {"error", "HTTP 404"},
                                {"created_from", "2026-05-01"},
                                {"created_to", "2026-05-29T16:57:00Z"}});
  BOOST_TEST(filter.states == (std::vector<std::string>{"dead", "failed"}));
  BOOST_TEST(*filter.vendor == "acme");
  BOOST_TEST(*filter.sender == "DR-100");
  BOOST_TEST(*filter.patient_external_id == "PAT-00012345");
  BOOST_TEST(*filter.error == "HTTP 404");
  BOOST_TEST(*filter.created_from == 1777593600LL * 1'000'000);
  BOOST_TEST(*filter.created_to == 1780073820LL * 1'000'000);
  BOOST_TEST(!filter.matches_everything());
}

BOOST_AUTO_TEST_CASE(the_audit_description_masks_the_patient) {
  const auto described =
      accepted({{"state", "dead,failed"}, {"patient_external_id", "PAT-00012345"}}).describe();
  BOOST_TEST(described.at("state") == "dead,failed");
  BOOST_TEST(described.at("patient_external_id") == "\u2022\u2022\u20222345");
}

BOOST_AUTO_TEST_CASE(refusals_name_the_field_and_never_the_value) {
  for (const auto& [name, value] : Params{{"state", "deadd"},
                                          {"state", "dead,"},
                                          {"state", ""},
                                          {"vendor", ""},
                                          {"sender", std::string(201, 's')},
                                          {"patient_external_id", "PAT\n1"},
                                          {"error", "\xff\xfe"},
                                          {"created_from", "yesterday"},
                                          {"created_to", "2026-02-30"}}) {
    BOOST_TEST_CONTEXT(name) {
      const auto error = refused({{name, value}});
      BOOST_TEST(error.field == name);
      if (!value.empty()) BOOST_TEST(error.message.find(value) == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(two_hundred_characters_are_allowed) {
  // 200 code points of two bytes each.
  std::string text;
  for (int i = 0; i < 200; ++i) text += "\u00e9";
  BOOST_TEST(*accepted({{"error", text}}).error == text);
  BOOST_TEST(refused({{"error", text + "e"}}).field == "error");
}

BOOST_AUTO_TEST_CASE(an_empty_time_range_names_created_to) {
  const auto error = refused({{"created_from", "2026-05-29"}, {"created_to", "2026-05-29"}});
  BOOST_TEST(error.field == "created_to");
}

BOOST_AUTO_TEST_CASE(an_unknown_parameter_is_refused_by_name) {
  BOOST_TEST(refused({{"stat", "dead"}}).field == "stat");
  BOOST_TEST(refused({{"limit", "10"}}).field == "limit");  // not allowed by this caller
  BOOST_TEST(refused({{std::string(100, 'x'), "1"}}).field.size() == 64u);
}

BOOST_AUTO_TEST_SUITE_END()
