// Tests for gateway/api/request_precheck: each header-only decision (400, 404, 401, 415, 413) and
// every request that must go on to the normal flow, plus bearer extraction and path normalisation.
#include "gateway/api/request_precheck.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace {
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using relay::http::RequestHeader;

const relay::auth::TokenSigner& signer() {
  static const relay::auth::TokenSigner tokens("unit-test-token-secret-0123456789abcdef", 600s);
  return tokens;
}

std::string valid_token(std::int64_t vendor = 7) {
  return signer().issue(vendor, std::chrono::system_clock::now());
}

RequestHeader header(bhttp::verb method, std::string target) {
  RequestHeader h;
  h.method(method);
  h.target(target);
  h.version(11);
  h.set(bhttp::field::host, "gateway");
  return h;
}

RequestHeader with_body(RequestHeader h, std::string length = "100") {
  h.set(bhttp::field::content_length, length);
  return h;
}

RequestHeader authorised(RequestHeader h, const std::string& token = valid_token()) {
  h.set(bhttp::field::authorization, "Bearer " + token);
  return h;
}

std::optional<relay::http::Response> check(const RequestHeader& h) {
  static const auto precheck = relay::api::make_precheck(signer());
  return precheck(h);
}

unsigned status_of(const std::optional<relay::http::Response>& answer) {
  return answer ? answer->result_int() : 0u;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_precheck)

BOOST_AUTO_TEST_CASE(malformed_target_is_400) {
  const auto answer = check(header(bhttp::verb::get, "/api/%zz"));
  BOOST_TEST(status_of(answer) == 400u);
  BOOST_TEST(answer->body().find("The request URI is malformed") != std::string::npos);
  BOOST_TEST(status_of(check(
                 header(bhttp::verb::get, "/api/OutgoingSecureMessages?externalId=%FF"))) == 400u);
}

BOOST_AUTO_TEST_CASE(unknown_path_with_a_body_is_404_and_without_one_goes_on) {
  const auto answer = check(with_body(header(bhttp::verb::post, "/nothing/here")));
  BOOST_TEST(status_of(answer) == 404u);
  BOOST_TEST(answer->body() ==
             R"({"message":"No HTTP resource was found that matches the request URI."})");
  BOOST_TEST((*answer)[bhttp::field::content_type] == "application/json; charset=utf-8");

  auto chunked = header(bhttp::verb::put, "/nothing");
  chunked.set(bhttp::field::transfer_encoding, "chunked");
  BOOST_TEST(status_of(check(chunked)) == 404u);

  BOOST_TEST(!check(header(bhttp::verb::get, "/nothing")));
  BOOST_TEST(!check(with_body(header(bhttp::verb::post, "/nothing"), "0")));
}

BOOST_AUTO_TEST_CASE(health_routes_go_on_without_a_body_and_refuse_one) {
  BOOST_TEST(!check(header(bhttp::verb::get, "/healthz")));
  BOOST_TEST(!check(header(bhttp::verb::get, "/readyz")));
  BOOST_TEST(status_of(check(with_body(header(bhttp::verb::post, "/HealthZ/")))) == 413u);
  auto chunked = header(bhttp::verb::post, "/readyz");
  chunked.set(bhttp::field::transfer_encoding, "chunked");
  BOOST_TEST(status_of(check(chunked)) == 413u);
}

BOOST_AUTO_TEST_CASE(token_form_needs_a_length) {
  auto chunked = header(bhttp::verb::post, "/token");
  chunked.set(bhttp::field::transfer_encoding, "chunked");
  BOOST_TEST(status_of(check(chunked)) == 411u);
}

BOOST_AUTO_TEST_CASE(message_routes_without_a_valid_token_are_401) {
  const auto missing = check(with_body(header(bhttp::verb::post, "/api/OutgoingSecureMessages")));
  BOOST_TEST(status_of(missing) == 401u);
  BOOST_TEST((*missing)[bhttp::field::www_authenticate] == "Bearer");
  BOOST_TEST(missing->body() == R"({"message":"Authorization has been denied for this request."})");

  const auto bad = check(authorised(header(bhttp::verb::get, "/api/outgoingsecuremessages"),
                                    "v1.7.99999999999.abc.def"));
  BOOST_TEST(status_of(bad) == 401u);
  BOOST_TEST((*bad)[bhttp::field::www_authenticate] == R"(Bearer error="invalid_token")");

  const auto expired_token =
      signer().issue(7, std::chrono::system_clock::now() - std::chrono::hours(1));
  BOOST_TEST(status_of(check(authorised(header(bhttp::verb::get, "/api/OutgoingSecureMessages"),
                                        expired_token))) == 401u);

  auto basic = header(bhttp::verb::get, "/API/OutgoingSecureMessages/Search/");
  basic.set(bhttp::field::authorization, "Basic dXNlcjpwYXNz");
  BOOST_TEST(status_of(check(basic)) == 401u);

  BOOST_TEST(status_of(check(header(bhttp::verb::delete_, "/api/OutgoingSecureMessages"))) ==
             401u);  // auth comes before the method check, as in GatewayApi::dispatch
}

BOOST_AUTO_TEST_CASE(authorised_requests_go_on) {
  auto post = authorised(with_body(header(bhttp::verb::post, "/api/OutgoingSecureMessages")));
  post.set(bhttp::field::content_type, "application/json");
  BOOST_TEST(!check(post));
  post.set(bhttp::field::content_type, "text/xml; charset=utf-8");
  BOOST_TEST(!check(post));
  // The portal's third request format (its help page lists it): let through to the form codec.
  post.set(bhttp::field::content_type, "application/x-www-form-urlencoded; charset=UTF-8");
  BOOST_TEST(!check(post));
  post.set(bhttp::field::content_type, "Application/X-WWW-Form-UrlEncoded");
  BOOST_TEST(!check(post));
  BOOST_TEST(
      !check(authorised(header(bhttp::verb::get, "/api/OutgoingSecureMessages?externalId=1"))));
  BOOST_TEST(!check(authorised(header(bhttp::verb::get, "/api/outgoingsecuremessages/search"))));
  BOOST_TEST(!check(authorised(header(bhttp::verb::put, "/api/OutgoingSecureMessages"))));

  auto lower_scheme = header(bhttp::verb::get, "/api/OutgoingSecureMessages");
  lower_scheme.set(bhttp::field::authorization, "bearer   " + valid_token());
  BOOST_TEST(!check(lower_scheme));
}

BOOST_AUTO_TEST_CASE(post_of_messages_with_a_wrong_media_type_is_415) {
  auto post = authorised(with_body(header(bhttp::verb::post, "/api/OutgoingSecureMessages/")));
  post.set(bhttp::field::content_type, "text/plain");
  const auto answer = check(post);
  BOOST_TEST(status_of(answer) == 415u);
  BOOST_TEST(answer->body().find("application/json, text/json, application/xml, text/xml or "
                                 "application/x-www-form-urlencoded") != std::string::npos);

  post.set(bhttp::field::content_type, "application/json; charset=iso-8859-1");
  BOOST_TEST(status_of(check(post)) == 415u);
  post.set(bhttp::field::content_type, "application/x-www-form-urlencoded; charset=iso-8859-1");
  BOOST_TEST(status_of(check(post)) == 415u);
  post.set(bhttp::field::content_type, "multipart/form-data; boundary=x");
  BOOST_TEST(status_of(check(post)) == 415u);
  post.erase(bhttp::field::content_type);
  BOOST_TEST(status_of(check(post)) == 415u);

  // Without a token, 401 comes first; a GET's Content-Type does not matter.
  auto anonymous = with_body(header(bhttp::verb::post, "/api/OutgoingSecureMessages"));
  anonymous.set(bhttp::field::content_type, "text/plain");
  BOOST_TEST(status_of(check(anonymous)) == 401u);
  auto get = authorised(header(bhttp::verb::get, "/api/OutgoingSecureMessages"));
  get.set(bhttp::field::content_type, "text/plain");
  BOOST_TEST(!check(get));
}

BOOST_AUTO_TEST_CASE(token_body_over_the_limit_is_413) {
  BOOST_TEST(status_of(check(with_body(header(bhttp::verb::post, "/token"), "65537"))) == 413u);
  BOOST_TEST(!check(with_body(header(bhttp::verb::post, "/Token/"), "65536")));
  BOOST_TEST(!check(header(bhttp::verb::post, "/token")));

  const auto small = relay::api::make_precheck(signer(), 10);
  const auto answer = small(with_body(header(bhttp::verb::post, "/token"), "11"));
  BOOST_TEST(status_of(answer) == 413u);
  BOOST_TEST(!small(with_body(header(bhttp::verb::post, "/token"), "10")));
}

BOOST_AUTO_TEST_CASE(vendor_from_authorization_reads_bearer_tokens) {
  using relay::api::vendor_from_authorization;
  BOOST_TEST(vendor_from_authorization("Bearer " + valid_token(42), signer()).value_or(0) == 42);
  BOOST_TEST(vendor_from_authorization("BEARER " + valid_token(42), signer()).value_or(0) == 42);
  BOOST_TEST(vendor_from_authorization("Bearer    " + valid_token(3), signer()).value_or(0) == 3);
  BOOST_TEST(!vendor_from_authorization("", signer()));
  BOOST_TEST(!vendor_from_authorization("Bearer ", signer()));
  BOOST_TEST(!vendor_from_authorization("Bearer", signer()));
  BOOST_TEST(!vendor_from_authorization(valid_token(), signer()));
  BOOST_TEST(!vendor_from_authorization("Basic " + valid_token(), signer()));
  BOOST_TEST(!vendor_from_authorization("Bearer " + valid_token() + "x", signer()));
  const relay::auth::TokenSigner other("another-secret-of-at-least-32-bytes!!", 600s);
  BOOST_TEST(!vendor_from_authorization(
      "Bearer " + other.issue(42, std::chrono::system_clock::now()), signer()));
}

BOOST_AUTO_TEST_CASE(paths_are_lower_cased_without_trailing_slashes) {
  using relay::api::normalised_path;
  BOOST_TEST(normalised_path("/API/OutgoingSecureMessages/") == "/api/outgoingsecuremessages");
  BOOST_TEST(normalised_path("/token//") == "/token");
  BOOST_TEST(normalised_path("/") == "/");
  BOOST_TEST(normalised_path("") == "");
}

BOOST_AUTO_TEST_SUITE_END()
