// Integration tests of the migration runner on a real server: fresh apply, idempotent re-run, two
// concurrent runners, per-file transactions, the 0008 backfill, and the append-only audit table.
#include <boost/test/unit_test.hpp>

#include <latch>
#include <thread>

#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/migration_runner.hpp"
#include "tests/support/test_database.hpp"

namespace {

using relay::pg::Migration;
using relay::pg::run_migrations;
using relay::testing::TestDatabase;

int count(pqxx::connection& connection, const std::string& sql) {
  pqxx::work tx(connection);
  return tx.exec1(sql)[0].as<int>();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_migration_runner)

BOOST_AUTO_TEST_CASE(embedded_migrations_start_with_init) {
  const auto& migrations = relay::pg::embedded_migrations();
  BOOST_REQUIRE(!migrations.empty());
  BOOST_TEST(migrations.front().version == 1);
  BOOST_TEST(migrations.front().name == "0001_init.sql");
  BOOST_TEST(migrations.front().sql.find("CREATE TABLE messages") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(fresh_apply_then_rerun_is_a_no_op) {
  TestDatabase database(TestDatabase::Schema::empty);
  std::vector<std::string> all_files;  // every schema/NNNN_*.sql, as the binary embeds them
  for (const auto& migration : relay::pg::embedded_migrations())
    all_files.push_back(migration.name);
  BOOST_REQUIRE(all_files.size() >= 3u);
  const auto file_count = static_cast<std::int64_t>(all_files.size());
  const auto first = run_migrations(database.connection());
  BOOST_TEST(first.applied == all_files);
  BOOST_TEST(first.already_applied.empty());

  for (const char* table :
       {"vendors", "messages", "message_patients", "attachments", "deliveries", "delivery_sends",
        "delivery_documents", "patient_cache", "webhook_events", "audit_events", "relay_pacer",
        "relay_vendor_turns", "relay_pacer_grants", "webhook_rejections", "operators",
        "operator_sessions", "relay_pauses"}) {
    pqxx::work tx(database.connection());
    BOOST_TEST(!tx.exec_params1("SELECT to_regclass($1)", std::string(table))[0].is_null(),
               "table " << table);
  }
  BOOST_TEST(count(database.connection(), "SELECT count(*) FROM schema_migrations") == file_count);

  const auto second = run_migrations(database.connection());
  BOOST_TEST(second.applied.empty());
  BOOST_TEST(second.already_applied == all_files);
  BOOST_TEST(count(database.connection(), "SELECT count(*) FROM schema_migrations") == file_count);
}

BOOST_AUTO_TEST_CASE(concurrent_runs_apply_each_file_once) {
  TestDatabase database(TestDatabase::Schema::empty);
  std::latch start(2);
  relay::pg::MigrationReport reports[2];
  std::exception_ptr errors[2];
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      try {
        pqxx::connection connection(database.url());
        start.arrive_and_wait();
        reports[i] = run_migrations(connection);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  // Each file is applied by exactly one of the two runs and found applied by the other.
  const auto files = relay::pg::embedded_migrations().size();
  BOOST_TEST(reports[0].applied.size() + reports[1].applied.size() == files);
  BOOST_TEST(reports[0].already_applied.size() + reports[1].already_applied.size() == files);
  BOOST_TEST(count(database.connection(), "SELECT count(*) FROM schema_migrations") ==
             static_cast<std::int64_t>(files));
}

BOOST_AUTO_TEST_CASE(status_webhooks_stored_before_0008_get_their_status_columns) {
  TestDatabase database(TestDatabase::Schema::empty);
  std::vector<Migration> before_0008;
  for (const auto& migration : relay::pg::embedded_migrations()) {
    if (migration.version < 8) before_0008.push_back(migration);
  }
  run_migrations(database.connection(), before_0008);
  {
    pqxx::work tx(database.connection());
    // A failed status, a payload already cut to its meta by retention, and a ping.
    tx.exec0(R"sql(
INSERT INTO webhook_events (metriport_event_id, event_type, metriport_message_id, payload) VALUES
 ('e-1', 'message.status', 'aaaaaaaa-0000-4000-8000-000000000001',
  '{"meta": {"messageId": "e-1", "type": "message.status", "when": "2026-01-02T03:04:06Z"},
    "payload": {"id": "aaaaaaaa-0000-4000-8000-000000000001", "status": "failed",
                "completedAt": "2026-01-02T03:04:05.5+01:00", "reason": "no such recipient"}}'),
 ('e-2', 'message.status', 'aaaaaaaa-0000-4000-8000-000000000002',
  '{"meta": {"messageId": "e-2", "type": "message.status", "when": "2026-01-02T03:04:06Z"}}'),
 ('e-3', 'ping', NULL, '{"meta": {"messageId": "e-3", "type": "ping"}, "ping": "x"}'))sql");
    tx.commit();
  }
  const auto report = run_migrations(database.connection());
  BOOST_TEST(report.applied.front() == "0008_webhook_status.sql");
  BOOST_TEST(count(database.connection(),
                   "SELECT count(*) FROM webhook_events WHERE metriport_event_id = 'e-1' AND "
                   "status = 'failed' AND status_reason = 'no such recipient' AND "
                   "completed_at = '2026-01-02T02:04:05.5Z'") == 1);
  BOOST_TEST(count(database.connection(),
                   "SELECT count(*) FROM webhook_events WHERE metriport_event_id <> 'e-1' AND "
                   "status IS NULL AND completed_at IS NULL AND status_reason IS NULL") == 2);
}

BOOST_AUTO_TEST_CASE(failing_file_is_rolled_back_and_not_recorded) {
  TestDatabase database(TestDatabase::Schema::empty);
  const std::vector<Migration> migrations{
      {1, "0001_good.sql", "CREATE TABLE good (id int);"},
      {2, "0002_bad.sql", "CREATE TABLE half_done (id int); SELECT no_such_column FROM good;"},
  };
  BOOST_CHECK_THROW(run_migrations(database.connection(), migrations), pqxx::sql_error);
  BOOST_TEST(count(database.connection(), "SELECT count(*) FROM schema_migrations") == 1);
  BOOST_TEST(count(database.connection(),
                   "SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'") == 0);

  // The lock was released despite the failure: a corrected run proceeds.
  const std::vector<Migration> fixed{migrations[0],
                                     {2, "0002_bad.sql", "CREATE TABLE half_done (id int);"}};
  const auto report = run_migrations(database.connection(), fixed);
  BOOST_TEST(report.applied == std::vector<std::string>{"0002_bad.sql"});
  BOOST_TEST(report.already_applied == std::vector<std::string>{"0001_good.sql"});
}

BOOST_AUTO_TEST_CASE(renamed_file_for_recorded_version_is_refused) {
  TestDatabase database(TestDatabase::Schema::empty);
  run_migrations(database.connection(), {{1, "0001_a.sql", "SELECT 1;"}});
  BOOST_CHECK_THROW(run_migrations(database.connection(), {{1, "0001_b.sql", "SELECT 1;"}}),
                    std::runtime_error);
}

BOOST_AUTO_TEST_CASE(audit_events_are_append_only) {
  TestDatabase database;
  {
    pqxx::work tx(database.connection());
    relay::pg::append_audit_event(
        tx, {"system", "message", "m-1", "message.created", R"({"patients": 2})"});
    tx.commit();
  }
  BOOST_TEST(count(database.connection(), "SELECT count(*) FROM audit_events") == 1);
  for (const char* statement : {"UPDATE audit_events SET event = 'changed'",
                                "DELETE FROM audit_events", "TRUNCATE audit_events"}) {
    pqxx::work tx(database.connection());
    BOOST_CHECK_THROW(tx.exec0(statement), pqxx::sql_error);
  }
  pqxx::work tx(database.connection());
  const auto row =
      tx.exec1("SELECT event, detail->>'patients', occurred_at IS NOT NULL FROM audit_events");
  BOOST_TEST(row[0].as<std::string>() == "message.created");
  BOOST_TEST(row[1].as<std::string>() == "2");
  BOOST_TEST(row[2].as<bool>());
}

BOOST_AUTO_TEST_SUITE_END()
