// Unit tests for IgnoredWebhookFields: every ignored field counted, each path reported once per
// process, and the remembered set bounded (reported once when it fills up).
#include "gateway/api/ignored_webhook_fields.hpp"

#include <boost/test/unit_test.hpp>

using namespace relay::api;

BOOST_AUTO_TEST_SUITE(ignored_webhook_fields)

BOOST_AUTO_TEST_CASE(each_path_is_reported_once_and_every_field_counted) {
  IgnoredWebhookFields tally;
  BOOST_TEST(tally.total() == 0u);
  auto first = tally.record({"payload.x", "meta.y"}, 2);
  BOOST_TEST((first.first_seen == std::vector<std::string>{"payload.x", "meta.y"}));
  BOOST_TEST(!first.remembered_paths_full);
  auto again = tally.record({"meta.y", "z", "z"}, 40);  // 40: more fields than listed
  BOOST_TEST((again.first_seen == std::vector<std::string>{"z"}));
  BOOST_TEST(tally.record({"payload.x"}, 1).first_seen.empty());
  BOOST_TEST(tally.total() == 43u);
}

BOOST_AUTO_TEST_CASE(remembered_paths_are_bounded) {
  IgnoredWebhookFields tally;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < IgnoredWebhookFields::max_remembered_paths; ++i) {
    std::string path = "f";  // appended stepwise: GCC 12 warns falsely on "f" + std::string&&
    path += std::to_string(i);
    paths.push_back(std::move(path));
  }
  BOOST_TEST(tally.record(paths, paths.size()).first_seen.size() == paths.size());
  const auto overflow = tally.record({"new1", "new2", "f0"}, 3);
  BOOST_TEST(overflow.first_seen.empty());
  BOOST_TEST(overflow.remembered_paths_full);
  const auto later = tally.record({"new3"}, 1);
  BOOST_TEST(later.first_seen.empty());
  BOOST_TEST(!later.remembered_paths_full);  // said once
  BOOST_TEST(tally.total() == IgnoredWebhookFields::max_remembered_paths + 4);
}

BOOST_AUTO_TEST_SUITE_END()
