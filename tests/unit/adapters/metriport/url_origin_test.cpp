// Tests for adapters/metriport/url_origin: which URLs are accepted, default ports, Host header,
// and the nextPage guard (same origin and under the base path, dot segments resolved).
#include "adapters/metriport/url_origin.hpp"

#include <boost/test/unit_test.hpp>

using relay::metriport::next_page_refusal;
using relay::metriport::parse_http_url;

BOOST_AUTO_TEST_SUITE(metriport_url_origin)

BOOST_AUTO_TEST_CASE(parses_http_and_https) {
  const auto https = parse_http_url("https://API.Metriport.com/medical/v1/message?x=1#frag");
  BOOST_REQUIRE(https.has_value());
  BOOST_TEST(https->origin.scheme == "https");
  BOOST_TEST(https->origin.host == "api.metriport.com");
  BOOST_TEST(https->origin.port == 443);
  BOOST_TEST(https->origin.is_tls());
  BOOST_TEST(https->target == "/medical/v1/message?x=1");
  BOOST_TEST(https->host_header == "API.Metriport.com");
  BOOST_TEST(https->origin.key() == "https://api.metriport.com:443");

  const auto plain = parse_http_url("HTTP://127.0.0.1:8080");
  BOOST_REQUIRE(plain.has_value());
  BOOST_TEST(plain->origin.scheme == "http");
  BOOST_TEST(plain->origin.port == 8080);
  BOOST_TEST(plain->target == "/");
  BOOST_TEST(plain->host_header == "127.0.0.1:8080");

  const auto v6 = parse_http_url("http://[::1]:9/x");
  BOOST_REQUIRE(v6.has_value());
  BOOST_TEST(v6->origin.host == "::1");
  BOOST_TEST(v6->host_header == "[::1]:9");
}

BOOST_AUTO_TEST_CASE(rejects_other_urls) {
  for (const char* url : {"", "ftp://x/y", "/medical/v1", "http://", "http:///path",
                          "https://host:0/", "https://host:/", "mailto:a@b", "http://a b/"}) {
    BOOST_TEST_CONTEXT(url) {
      BOOST_TEST(!parse_http_url(url).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(next_page_guard) {
  const char* base = "https://api.metriport.com/medical/v1";
  BOOST_TEST(!next_page_refusal(base, "https://api.metriport.com/medical/v1/message?fromItem=3"));
  BOOST_TEST(!next_page_refusal(base, "https://API.metriport.com:443/medical/v1/message"));
  BOOST_TEST(!next_page_refusal("https://api.metriport.com/medical/v1/",
                                "https://api.metriport.com/medical/v1/message"));
  const char* outside[] = {
      "http://api.metriport.com/medical/v1/message",        // scheme
      "https://evil.example/medical/v1/message",            // host
      "https://api.metriport.com:8443/medical/v1/message",  // port
      "https://api.metriport.com/admin/message",            // path
      "https://api.metriport.com/medical/v10/message",      // path prefix, not segment
      "https://api.metriport.com/medical/v1/../../admin",   // dot segments
      "https://api.metriport.com.evil.example/medical/v1/message",
  };
  for (const char* next : outside) {
    BOOST_TEST_CONTEXT(next) {
      BOOST_TEST(next_page_refusal(base, next).value_or("") == "nextPage points outside the API");
    }
  }
  BOOST_TEST(next_page_refusal(base, "/medical/v1/message?fromItem=3").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
