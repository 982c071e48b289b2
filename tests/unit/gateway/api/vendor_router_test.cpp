// Unit tests for VendorRouter: a route's method finds its entry, another method gets the route's
// methods for the Allow header in table order, an unlisted route is unknown, and a route cannot be
// listed with two kinds of access.
#include <stdexcept>

#include <boost/test/unit_test.hpp>

#include "gateway/api/vendor_router.hpp"

using namespace relay::api;
using boost::beast::http::verb;

namespace {

VendorHandler answering(unsigned status) {
  return [status](VendorRequest& request) -> boost::asio::awaitable<relay::http::Response> {
    co_return relay::http::Response{static_cast<boost::beast::http::status>(status),
                                    request.http.version()};
  };
}

VendorRouter table() {
  VendorRouter router;
  router.add({VendorRoute::livez, verb::get, VendorAccess::anyone, answering(200)});
  router.add({VendorRoute::livez, verb::head, VendorAccess::anyone, answering(200)});
  router.add({VendorRoute::messages, verb::get, VendorAccess::vendor, answering(200)});
  router.add({VendorRoute::messages, verb::post, VendorAccess::vendor, answering(201)});
  return router;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vendor_router)

BOOST_AUTO_TEST_CASE(a_listed_method_finds_its_entry_with_the_routes_access) {
  const auto router = table();
  const auto found = router.find(VendorRoute::messages, verb::post);
  BOOST_TEST(found.route_known);
  BOOST_TEST((found.access == VendorAccess::vendor));
  BOOST_REQUIRE(found.entry != nullptr);
  BOOST_TEST((found.entry->method == verb::post));
  BOOST_TEST(found.allow == "GET, POST");
}

BOOST_AUTO_TEST_CASE(another_method_is_refused_with_the_routes_methods_in_table_order) {
  const auto router = table();
  const auto put = router.find(VendorRoute::messages, verb::put);
  BOOST_TEST(put.route_known);
  BOOST_TEST(put.entry == nullptr);
  BOOST_TEST(put.allow == "GET, POST");
  const auto head = router.find(VendorRoute::messages, verb::head);  // HEAD only where listed
  BOOST_TEST(head.entry == nullptr);
  const auto probe = router.find(VendorRoute::livez, verb::post);
  BOOST_TEST(probe.allow == "GET, HEAD");
  BOOST_TEST((probe.access == VendorAccess::anyone));
}

BOOST_AUTO_TEST_CASE(an_unlisted_route_is_unknown) {
  const auto router = table();
  const auto found = router.find(VendorRoute::unknown, verb::get);
  BOOST_TEST(!found.route_known);
  BOOST_TEST(found.entry == nullptr);
  BOOST_TEST(found.allow.empty());
}

BOOST_AUTO_TEST_CASE(a_route_has_one_kind_of_access) {
  auto router = table();
  BOOST_CHECK_THROW(
      router.add({VendorRoute::messages, verb::put, VendorAccess::anyone, answering(200)}),
      std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
