// Tests of the settings JSON: defaults, all-or-nothing merging, unknown keys, types and ranges,
// and the command line that feeds them.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/simulator/cli_options.hpp"
#include "tests/simulator/settings.hpp"

BOOST_AUTO_TEST_SUITE(simulator_settings)

using relay::sim::merge_settings;
using relay::sim::Settings;

BOOST_AUTO_TEST_CASE(defaults_round_trip_through_json) {
  Settings settings;
  const auto json = relay::sim::settings_to_json(settings);
  BOOST_TEST(json.at("send_window_seconds").as_int64() == 60);
  BOOST_TEST(json.at("upload_url_ttl_ms").as_int64() == 180000);
  BOOST_TEST(json.at("answer_shape").as_string() == "message");
  Settings copy;
  BOOST_TEST(!merge_settings(copy, json));
  BOOST_TEST(boost::json::serialize(relay::sim::settings_to_json(copy)) ==
             boost::json::serialize(json));
}

BOOST_AUTO_TEST_CASE(merges_known_keys) {
  Settings settings;
  const auto problem = merge_settings(
      settings, boost::json::parse(R"({"latency_ms":250,"error_rate":0.5,"answer_shape":
      "communication","unknown_patients":["P9"],"send_limit_per_window":20,"seed":7,
      "webhook_url":"http://127.0.0.1:1/w","rate_429":1})"));
  BOOST_TEST(!problem);
  BOOST_TEST(settings.latency_ms == 250);
  BOOST_TEST(settings.error_rate == 0.5);
  BOOST_TEST(settings.rate_429 == 1.0);
  BOOST_TEST((settings.answer_shape == relay::sim::AnswerShape::communication));
  BOOST_TEST(settings.unknown_patients.size() == 1u);
  BOOST_TEST(settings.send_limit_per_window == 20);
  BOOST_TEST(settings.seed == 7u);
  BOOST_TEST(settings.webhook_url == "http://127.0.0.1:1/w");
}

BOOST_AUTO_TEST_CASE(refuses_bad_input_without_changing_anything) {
  Settings settings;
  auto problem = merge_settings(settings, boost::json::parse(R"({"latency_ms":5,"typo":1})"));
  BOOST_REQUIRE(problem);
  BOOST_TEST(problem->find("typo") != std::string::npos);
  BOOST_TEST(settings.latency_ms == 0);  // all or nothing
  problem = merge_settings(settings, boost::json::parse(R"({"error_rate":1.5})"));
  BOOST_REQUIRE(problem);
  BOOST_TEST(problem->find("error_rate") == 0u);
  BOOST_TEST(merge_settings(settings, boost::json::parse(R"({"latency_ms":-1})")).has_value());
  BOOST_TEST(merge_settings(settings, boost::json::parse(R"({"latency_ms":1.5})")).has_value());
  BOOST_TEST(
      merge_settings(settings, boost::json::parse(R"({"send_window_seconds":0})")).has_value());
  BOOST_TEST(merge_settings(settings, boost::json::parse(R"({"answer_shape":"xml"})")).has_value());
  BOOST_TEST(
      merge_settings(settings, boost::json::parse(R"({"unknown_patients":[1]})")).has_value());
  BOOST_TEST(merge_settings(settings, boost::json::parse(R"([])")).has_value());
  BOOST_TEST(!merge_settings(settings, boost::json::parse(R"({"latency_ms":2.0})")).has_value());
  BOOST_TEST(settings.latency_ms == 2);
}

BOOST_AUTO_TEST_CASE(command_line) {
  using relay::sim::CliOptions;
  using relay::sim::parse_cli;
  auto parsed = parse_cli({"--listen", "127.0.0.1:0", "--api-key", "K", "--webhook-url",
                           "http://127.0.0.1:9/hook", "--webhook-key=W", "--settings",
                           R"({"webhook_delay_ms":5})", "--capture-file", "/tmp/x"});
  BOOST_REQUIRE(std::holds_alternative<CliOptions>(parsed));
  const auto& options = std::get<CliOptions>(parsed);
  BOOST_TEST(options.simulator.host == "127.0.0.1");
  BOOST_TEST(options.simulator.port == 0);
  BOOST_TEST(options.simulator.api_key == "K");
  BOOST_TEST(options.simulator.settings.webhook_url == "http://127.0.0.1:9/hook");
  BOOST_TEST(options.simulator.settings.webhook_key == "W");
  BOOST_TEST(options.simulator.settings.webhook_delay_ms == 5);
  BOOST_TEST(options.simulator.capture_file == "/tmp/x");
  BOOST_TEST(std::holds_alternative<std::string>(parse_cli({"--api-key", "K"})));
  BOOST_TEST(std::holds_alternative<std::string>(parse_cli({"--listen", "127.0.0.1:0"})));
  BOOST_TEST(std::holds_alternative<std::string>(
      parse_cli({"--listen", "127.0.0.1:99999", "--api-key", "K"})));
  BOOST_TEST(std::holds_alternative<std::string>(
      parse_cli({"--listen", "127.0.0.1:0", "--api-key", "K", "--settings", R"({"nope":1})"})));
  BOOST_TEST(std::holds_alternative<std::string>(
      parse_cli({"--listen", "127.0.0.1:0", "--api-key", "K", "--bogus", "1"})));
}

BOOST_AUTO_TEST_SUITE_END()
