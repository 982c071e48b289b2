// Unit tests for outage_reason(): which libpqxx failures are a temporary database outage (503) and
// which are real faults (500), by exception type and SQLSTATE.
#include <boost/test/unit_test.hpp>

#include <pqxx/except>
#include <stdexcept>

#include "adapters/postgres/outage.hpp"

using relay::pg::needs_new_connection;
using relay::pg::outage_reason;

BOOST_AUTO_TEST_SUITE(postgres_outage)

BOOST_AUTO_TEST_CASE(lost_connections_and_commits_in_doubt_are_outages) {
  BOOST_TEST(outage_reason(pqxx::broken_connection("could not connect")).value() ==
             "connection lost");
  BOOST_TEST(outage_reason(pqxx::too_many_connections("too many clients")).value() ==
             "connection lost");
  BOOST_TEST(outage_reason(pqxx::in_doubt_error("lost while committing")).value() ==
             "commit in doubt");
}

BOOST_AUTO_TEST_CASE(server_states_that_pass_are_outages) {
  for (const char* state :
       {"08000", "08003", "08006", "08001", "08004", "57P01", "57P02", "57P03", "53300", "25006"}) {
    BOOST_TEST_CONTEXT(state) {
      const auto reason = outage_reason(pqxx::sql_error("server message", "SELECT 1", state));
      BOOST_TEST_REQUIRE(reason.has_value());
      BOOST_TEST(*reason == std::string("sqlstate ") + state);
    }
  }
}

BOOST_AUTO_TEST_CASE(real_faults_are_not_outages) {
  for (const char* state : {"23505", "22001", "42601", "42P01", "53100", "53200", "57014", "57P04",
                            "40001", "XX000", ""}) {
    BOOST_TEST_CONTEXT(state) {
      BOOST_TEST(!outage_reason(pqxx::sql_error("server message", "SELECT 1", state)));
    }
  }
  BOOST_TEST(!outage_reason(pqxx::unique_violation("duplicate", "INSERT", "23505")));
  BOOST_TEST(!outage_reason(pqxx::usage_error("misuse")));
  BOOST_TEST(!outage_reason(std::logic_error("connection pool used after stop()")));
  BOOST_TEST(!outage_reason(std::runtime_error("anything else")));
}

BOOST_AUTO_TEST_CASE(only_a_read_only_server_needs_a_new_connection) {
  // An open connection to a standby stays one: the pool drops it so the next may reach the primary.
  BOOST_TEST(needs_new_connection(pqxx::sql_error("read-only", "INSERT", "25006")));
  BOOST_TEST(!needs_new_connection(pqxx::sql_error("duplicate", "INSERT", "23505")));
  BOOST_TEST(!needs_new_connection(std::runtime_error("anything")));
}

BOOST_AUTO_TEST_SUITE_END()
