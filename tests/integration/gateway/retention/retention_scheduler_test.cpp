// RetentionScheduler on a real server: the observer hears of every attempt (pruned, busy, failed)
// and a stop request ends the wait between passes at once.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "adapters/postgres/retention_store.hpp"
#include "gateway/retention/retention_scheduler.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/test_database.hpp"

namespace {

using relay::retention::PassReport;
using relay::retention::PassResult;
using namespace std::chrono_literals;

struct RecordingObserver : relay::retention::RetentionObserver {
  std::vector<PassReport> reports;
  std::function<void()> after_first;
  void pass_finished(const PassReport& report) override {
    reports.push_back(report);
    if (reports.size() == 1 && after_first) after_first();
  }
};

// Runs a scheduler until its first report, then asks it to stop; true when it stopped before the
// time ran out (its interval is an hour, so only the stop request can end the wait).
bool run_one_attempt(const std::string& database_url, RecordingObserver& observer) {
  relay::config::Config config;
  config.database.url = database_url;
  config.retention.interval = 3600s;
  boost::asio::io_context io;
  relay::retention::RetentionScheduler scheduler(io.get_executor(), config, "test-instance",
                                                 &observer);
  bool stopped = false;
  observer.after_first = [&] { scheduler.begin_stop([&] { stopped = true; }); };
  scheduler.start();
  io.run_for(60s);
  return stopped;
}

std::int64_t count(relay::testing::TestDatabase& database, const std::string& sql) {
  pqxx::read_transaction tx(database.connection());
  return tx.exec1(sql)[0].as<std::int64_t>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(retention_scheduler)

BOOST_AUTO_TEST_CASE(reports_a_pass_and_stops_while_waiting_for_the_next) {
  relay::testing::TestDatabase database;
  RecordingObserver observer;
  BOOST_TEST(run_one_attempt(database.url(), observer));
  BOOST_REQUIRE(observer.reports.size() == 1u);
  BOOST_TEST(relay::retention::to_string(observer.reports[0].result) == std::string("pruned"));
  BOOST_TEST(observer.reports[0].finished_at.time_since_epoch().count() > 0);
  BOOST_TEST(count(database,
                   "SELECT count(*) FROM audit_events WHERE event = 'retention.pruned' "
                   "AND actor = 'retention:test-instance'") == 1);
}

BOOST_AUTO_TEST_CASE(reports_a_skipped_turn_while_another_process_prunes) {
  relay::testing::TestDatabase database;
  pqxx::nontransaction lock(database.connection());
  lock.exec_params("SELECT pg_advisory_lock($1)", relay::pg::retention_lock_key);
  RecordingObserver observer;
  BOOST_TEST(run_one_attempt(database.url(), observer));
  BOOST_REQUIRE(observer.reports.size() == 1u);
  BOOST_TEST(relay::retention::to_string(observer.reports[0].result) == std::string("busy"));
}

BOOST_AUTO_TEST_CASE(reports_a_failed_pass_when_the_database_is_unreachable) {
  const auto closed_port = relay::testing::free_loopback_port();
  RecordingObserver observer;
  BOOST_TEST(run_one_attempt("postgresql://postgres@127.0.0.1:" + std::to_string(closed_port) +
                                 "/postgres?connect_timeout=2",
                             observer));
  BOOST_REQUIRE(observer.reports.size() == 1u);
  BOOST_TEST(relay::retention::to_string(observer.reports[0].result) == std::string("failed"));
}

BOOST_AUTO_TEST_SUITE_END()
