// Tests for gateway/metrics/gateway_metrics: one scrape holds the build info, every pre-made
// counter at 0, the process metrics and what the parts reported, with no database configured.
#include "gateway/metrics/gateway_metrics.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include "gateway/metrics/build_info.hpp"

using namespace relay::metrics;

namespace {

std::string scrape(GatewayMetrics& metrics) {
  boost::asio::io_context io;
  auto text = boost::asio::co_spawn(io, metrics.scrape(), boost::asio::use_future);
  io.run();
  return text.get();
}

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gateway_metrics)

BOOST_AUTO_TEST_CASE(scrape_holds_build_info_zeroed_counters_and_process_metrics) {
  GatewayMetrics metrics;
  const auto text = scrape(metrics);
  BOOST_TEST(has_line(text, "relay_build_info{revision=\"" + std::string(build_revision()) +
                                "\",version=\"" + std::string(build_version()) + "\"} 1"),
             text);
  BOOST_TEST(has_line(text, "relay_intake_requests_total{outcome=\"stored\"} 0"));
  BOOST_TEST(has_line(
      text, "relay_webhooks_received_total{outcome=\"stored\",type=\"message.status\"} 0"));
  BOOST_TEST(has_line(
      text, "relay_metriport_requests_total{operation=\"message_send\",status_class=\"5xx\"} 0"));
  BOOST_TEST(has_line(text, "relay_logins_total{listener=\"ops\",outcome=\"throttled\"} 0"));
  BOOST_TEST(text.find("# TYPE process_cpu_seconds_total counter") != std::string::npos);
  BOOST_TEST(text.find("# TYPE process_resident_memory_bytes gauge") != std::string::npos);
  // Without a database the queue gauges are absent, not made up.
  BOOST_TEST(text.find("relay_deliveries") == std::string::npos);
  BOOST_TEST(text.find("relay_database_up") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(reports_of_the_parts_show_in_the_scrape) {
  GatewayMetrics metrics;
  metrics.intake().count(IntakeOutcome::duplicate);
  metrics.intake().count(IntakeOutcome::duplicate);
  metrics.webhooks().count_received(webhook_type("message.status"), WebhookStored::stored);
  metrics.webhooks().count_received(webhook_type("patient.created"), WebhookStored::duplicate);
  metrics.webhooks().count_signature_failure(SignatureFailure::mismatch);
  metrics.logins().count(LoginListener::vendor, LoginResult::throttled);
  metrics.metriport().on_call({relay::metriport::Operation::message_send, 429,
                               relay::metriport::CallOutcome::rate_limited,
                               std::chrono::milliseconds(20)});
  metrics.metriport().on_call({relay::metriport::Operation::document_put, 0,
                               relay::metriport::CallOutcome::transient,
                               std::chrono::milliseconds(20)});
  metrics.relay().observe_intake_to_sent(42);
  metrics.relay().count_webhook_applied("applied");
  metrics.relay().count_webhook_applied("something new");
  auto& pool = metrics.pool("api", 8);
  pool.on_acquired(std::chrono::microseconds(50));
  pool.on_acquired(std::chrono::microseconds(50));
  pool.on_released();
  metrics.scrape_gauges().add("relay_test_gauge", "A test gauge.", {{"listener", "vendor"}},
                              [] { return 7.0; });

  const auto text = scrape(metrics);
  BOOST_TEST(has_line(text, "relay_intake_requests_total{outcome=\"duplicate\"} 2"), text);
  BOOST_TEST(has_line(
      text, "relay_webhooks_received_total{outcome=\"stored\",type=\"message.status\"} 1"));
  BOOST_TEST(
      has_line(text, "relay_webhooks_received_total{outcome=\"duplicate\",type=\"other\"} 1"));
  BOOST_TEST(has_line(text, "relay_webhook_signature_failures_total{reason=\"mismatch\"} 1"));
  BOOST_TEST(has_line(text, "relay_logins_total{listener=\"vendor\",outcome=\"throttled\"} 1"));
  BOOST_TEST(has_line(
      text, "relay_metriport_requests_total{operation=\"message_send\",status_class=\"4xx\"} 1"));
  BOOST_TEST(has_line(
      text,
      "relay_metriport_requests_total{operation=\"document_put\",status_class=\"no_answer\"} 1"));
  BOOST_TEST(has_line(text, "relay_metriport_rate_limited_total{operation=\"message_send\"} 1"));
  BOOST_TEST(has_line(text, "relay_message_intake_to_sent_seconds_count 1"));
  BOOST_TEST(has_line(text, "relay_message_intake_to_sent_seconds_sum 42"));
  BOOST_TEST(has_line(text, "relay_webhook_events_applied_total{outcome=\"applied\"} 1"));
  BOOST_TEST(has_line(text, "relay_webhook_events_applied_total{outcome=\"other\"} 1"));
  BOOST_TEST(has_line(text, "relay_db_pool_connections_in_use{pool=\"api\"} 1"));
  BOOST_TEST(has_line(text, "relay_db_pool_max_connections{pool=\"api\"} 8"));
  BOOST_TEST(has_line(text, "relay_db_pool_acquire_seconds_count{pool=\"api\"} 2"));
  BOOST_TEST(has_line(text, "relay_test_gauge{listener=\"vendor\"} 7"));
}

BOOST_AUTO_TEST_CASE(retention_passes_count_by_result_and_rows_by_kind) {
  GatewayMetrics metrics;
  BOOST_TEST(has_line(scrape(metrics), "relay_retention_passes_total{result=\"busy\"} 0"));
  relay::pg::RetentionCounts counts;
  counts.messages_purged = 3;
  counts.attachments_purged = 2;
  counts.webhook_events_deleted = 5;
  metrics.retention().pass_finished("pruned", counts, 1700000000, 0.25);
  metrics.retention().pass_finished("busy", {}, 1700000600, 0.001);
  metrics.retention().pass_finished("not a result", counts, 1700000900, 0.5);

  const auto text = scrape(metrics);
  BOOST_TEST(has_line(text, "relay_retention_passes_total{result=\"pruned\"} 1"), text);
  BOOST_TEST(has_line(text, "relay_retention_passes_total{result=\"busy\"} 1"));
  BOOST_TEST(has_line(text, "relay_retention_passes_total{result=\"failed\"} 0"));
  // Rows are counted whatever the result name (an unknown one still did its work).
  BOOST_TEST(has_line(text, "relay_retention_purged_total{kind=\"messages\"} 6"));
  BOOST_TEST(has_line(text, "relay_retention_purged_total{kind=\"attachments\"} 4"));
  BOOST_TEST(has_line(text, "relay_retention_deleted_total{kind=\"webhook_events\"} 10"));
  BOOST_TEST(has_line(text, "relay_retention_deleted_total{kind=\"messages\"} 0"));
  // Only a whole pass moves the last-pruned time; every attempt sets the duration.
  BOOST_TEST(has_line(text, "relay_retention_last_pruned_timestamp_seconds 1700000000"));
  BOOST_TEST(has_line(text, "relay_retention_last_pass_duration_seconds 0.5"));
}

BOOST_AUTO_TEST_SUITE_END()
