// Integration tests of VendorRepository: insert, lookups by name and id, unique names, disabled
// flag. Passwords here are opaque hash strings: hashing itself is tested with gateway/auth.
#include <boost/test/unit_test.hpp>

#include "adapters/postgres/vendor_repository.hpp"
#include "tests/support/test_database.hpp"

using relay::pg::VendorRepository;
using relay::testing::TestDatabase;

BOOST_AUTO_TEST_SUITE(postgres_vendor_repository)

BOOST_AUTO_TEST_CASE(insert_and_find) {
  TestDatabase database;
  std::int64_t id = 0;
  {
    pqxx::work tx(database.connection());
    id = VendorRepository::insert(tx, "acme-ehr", "$scrypt$salt$hash");
    tx.commit();
  }
  BOOST_TEST(id > 0);

  pqxx::read_transaction tx(database.connection());
  const auto by_name = VendorRepository::find_by_name(tx, "acme-ehr");
  BOOST_REQUIRE(by_name.has_value());
  BOOST_TEST(by_name->id == id);
  BOOST_TEST(by_name->name == "acme-ehr");
  BOOST_TEST(by_name->password_hash == "$scrypt$salt$hash");
  BOOST_TEST(!by_name->disabled);

  const auto by_id = VendorRepository::find_by_id(tx, id);
  BOOST_REQUIRE(by_id.has_value());
  BOOST_TEST(by_id->name == "acme-ehr");

  BOOST_TEST(!VendorRepository::find_by_name(tx, "ACME-EHR").has_value());
  BOOST_TEST(!VendorRepository::find_by_name(tx, "acme-ehr' OR '1'='1").has_value());
  BOOST_TEST(!VendorRepository::find_by_id(tx, id + 1000).has_value());
}

BOOST_AUTO_TEST_CASE(duplicate_name_is_a_unique_violation) {
  TestDatabase database;
  {
    pqxx::work tx(database.connection());
    VendorRepository::insert(tx, "acme-ehr", "h1");
    tx.commit();
  }
  pqxx::work tx(database.connection());
  BOOST_CHECK_THROW(VendorRepository::insert(tx, "acme-ehr", "h2"), pqxx::unique_violation);
}

BOOST_AUTO_TEST_CASE(disabled_flag_is_read) {
  TestDatabase database;
  pqxx::work tx(database.connection());
  const auto id = VendorRepository::insert(tx, "old-vendor", "h");
  tx.exec_params0("UPDATE vendors SET disabled = true WHERE id = $1", id);
  const auto vendor = VendorRepository::find_by_id(tx, id);
  BOOST_REQUIRE(vendor.has_value());
  BOOST_TEST(vendor->disabled);
}

BOOST_AUTO_TEST_SUITE_END()
