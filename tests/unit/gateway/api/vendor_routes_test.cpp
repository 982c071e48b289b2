// Tests for gateway/api/vendor_routes: raw targets are named as the API routes them
// (case-insensitive, trailing slashes, query strings, percent-escapes, the configured webhook
// path).
#include "gateway/api/vendor_routes.hpp"

#include <boost/test/unit_test.hpp>

using namespace relay::api;

BOOST_AUTO_TEST_SUITE(vendor_routes)

BOOST_AUTO_TEST_CASE(targets_are_named_like_the_router_matches_them) {
  const std::string hook = "/hooks/metriport";
  const auto route = [&](std::string_view target) {
    return std::string(to_text(vendor_route_of_target(target, hook)));
  };
  BOOST_TEST(route("/token") == "token");
  BOOST_TEST(route("/Token/") == "token");
  BOOST_TEST(route("/api/OutgoingSecureMessages?externalId=MSG-1") == "messages");
  BOOST_TEST(route("/API/outgoingSecureMessages/Search?page=2") == "search");
  BOOST_TEST(route("/api/%4FutgoingSecureMessages") == "messages");
  BOOST_TEST(route("/hooks/Metriport") == "webhook");
  BOOST_TEST(route("/webhooks/metriport") == "unknown");
  BOOST_TEST(route("/healthz") == "healthz");
  BOOST_TEST(route("/livez") == "livez");
  BOOST_TEST(route("/readyz?verbose") == "readyz");
  BOOST_TEST(route("http://gateway.example/token") == "token");
  BOOST_TEST(route("/api/OutgoingSecureMessages/42") == "unknown");
  BOOST_TEST(route("/%zz") == "unknown");
  BOOST_TEST(route("") == "unknown");
  BOOST_TEST(route("/") == "unknown");
}

BOOST_AUTO_TEST_CASE(every_route_has_its_name_at_its_index) {
  const auto& names = vendor_route_names();
  BOOST_TEST(names.size() == vendor_route_count);
  for (std::size_t i = 0; i < vendor_route_count; ++i) {
    BOOST_TEST(to_text(static_cast<VendorRoute>(i)) == names[i]);
  }
  BOOST_TEST(names.back() == "unknown");
}

BOOST_AUTO_TEST_SUITE_END()
