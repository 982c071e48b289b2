// Entry point of the unit test binary; every test file under tests/unit adds its own suites.
// Unit tests touch no network, database or clock beyond the process.
#define BOOST_TEST_MODULE relay_gateway_unit
#include <boost/test/unit_test.hpp>
