// Entry point of the integration test binary: tests that start a real PostgreSQL database and real
// relay-gateway processes on loopback. Needs RELAY_TEST_DATABASE_URL (see deploy/run-tests.sh).
#define BOOST_TEST_MODULE relay_gateway_integration
#include <boost/test/unit_test.hpp>
