// Unit tests for content negotiation: request formats from Content-Type, answer formats from
// Accept. Vendor clients send every spelling ASP.NET accepts, so all must map the same way.
#include <boost/test/unit_test.hpp>

#include "gateway/api/wire_format.hpp"

using namespace relay::api;

BOOST_AUTO_TEST_SUITE(wire_format)

BOOST_AUTO_TEST_CASE(content_types) {
  BOOST_TEST((classify_content_type("application/json") == ContentTypeCheck::json));
  BOOST_TEST((classify_content_type("Text/JSON; charset=UTF-8") == ContentTypeCheck::json));
  BOOST_TEST((classify_content_type("application/xml") == ContentTypeCheck::xml));
  BOOST_TEST((classify_content_type("text/xml; charset=\"utf-8\"") == ContentTypeCheck::xml));
  BOOST_TEST(
      (classify_content_type("application/x-www-form-urlencoded") == ContentTypeCheck::form));
  BOOST_TEST((classify_content_type("application/x-www-form-urlencoded; charset=UTF-8") ==
              ContentTypeCheck::form));
  BOOST_TEST((classify_content_type("application/x-www-form-urlencoded; charset=latin1") ==
              ContentTypeCheck::unsupported));
  BOOST_TEST((classify_content_type("multipart/form-data") == ContentTypeCheck::unsupported));
  BOOST_TEST((classify_content_type("") == ContentTypeCheck::missing));
  BOOST_TEST((classify_content_type("text/plain") == ContentTypeCheck::unsupported));
  BOOST_TEST(
      (classify_content_type("application/json; charset=utf-16") == ContentTypeCheck::unsupported));
}

BOOST_AUTO_TEST_CASE(accept_header) {
  BOOST_TEST((format_from_accept("", WireFormat::xml) == WireFormat::xml));
  BOOST_TEST((format_from_accept("*/*", WireFormat::json) == WireFormat::json));
  BOOST_TEST((format_from_accept("application/xml", WireFormat::json) == WireFormat::xml));
  BOOST_TEST((format_from_accept("text/json", WireFormat::xml) == WireFormat::json));
  BOOST_TEST((format_from_accept("application/json;q=0.5, text/xml;q=0.9", WireFormat::json) ==
              WireFormat::xml));
  BOOST_TEST((format_from_accept("text/html, */*;q=0.1", WireFormat::xml) == WireFormat::xml));
  BOOST_TEST(!format_from_accept("text/html", WireFormat::json).has_value());
}

BOOST_AUTO_TEST_CASE(accepts_format_checks_every_range) {
  BOOST_TEST(accepts_format("", WireFormat::json));
  BOOST_TEST(accepts_format("application/xml, application/json;q=0.2", WireFormat::json));
  BOOST_TEST(accepts_format("text/*", WireFormat::json));
  BOOST_TEST(!accepts_format("application/xml", WireFormat::json));
  BOOST_TEST(!accepts_format("application/json;q=0", WireFormat::json));
}

BOOST_AUTO_TEST_SUITE_END()
