// TokenEndpoint: the form is checked field by field before any lookup; 429 and 503 never say which
// limit refused, nor whether the name exists.
#include "gateway/api/token_endpoint.hpp"

#include <boost/json.hpp>

#include "gateway/api/request_precheck.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/log/log.hpp"

namespace relay::api {
namespace {

http::Response oauth_error(beast_http::status status, const char* error, const char* description,
                           unsigned version) {
  boost::json::object body{{"error", error}, {"error_description", description}};
  return make_response(status, boost::json::serialize(body), WireFormat::json, version);
}

http::Response oauth_error(const char* error, const char* description, unsigned version) {
  return oauth_error(beast_http::status::bad_request, error, description, version);
}

// 429 and 503 tell the client when to try again; neither says which limit refused, nor whether
// the name exists.
http::Response refusal(const LoginOutcome& outcome, unsigned version) {
  auto response =
      outcome.kind == LoginOutcome::Kind::busy
          ? oauth_error(beast_http::status::service_unavailable, "temporarily_unavailable",
                        "Too many logins are being checked; try again later.", version)
          : oauth_error(beast_http::status::too_many_requests, "invalid_grant",
                        "Too many failed attempts; try again later.", version);
  response.set(beast_http::field::retry_after, std::to_string(outcome.retry_after.count()));
  return response;
}

metrics::LoginResult login_result(LoginOutcome::Kind kind) {
  switch (kind) {
    case LoginOutcome::Kind::issued:
      return metrics::LoginResult::issued;
    case LoginOutcome::Kind::too_many_attempts:
      return metrics::LoginResult::throttled;
    case LoginOutcome::Kind::busy:
      return metrics::LoginResult::busy;
    case LoginOutcome::Kind::invalid_grant:
      break;
  }
  return metrics::LoginResult::invalid_grant;
}

}  // namespace

boost::asio::awaitable<http::Response> TokenEndpoint::operator()(VendorRequest& vendor_request) {
  const http::Request& request = vendor_request.http;
  const unsigned version = request.version();
  const auto content_type = request[beast_http::field::content_type];
  if (!domain::iequals(content_type.substr(0, content_type.find(';')),
                       "application/x-www-form-urlencoded")) {
    co_return oauth_error("invalid_request",
                          "The token request must be application/x-www-form-urlencoded.", version);
  }
  const auto form = parse_form(request.body());
  if (!form) co_return oauth_error("invalid_request", "The form body is malformed.", version);
  const auto field = [&](const char* name) -> std::string {
    const auto found = form->find(name);
    return found == form->end() ? std::string() : found->second;
  };
  const auto grant_type = field("grant_type");
  if (grant_type.empty()) {
    co_return oauth_error("invalid_request", "The grant_type parameter is required.", version);
  }
  if (grant_type != "password") {
    co_return oauth_error("unsupported_grant_type", "Only grant_type=password is supported.",
                          version);
  }
  const auto username = field("username");
  const auto password = field("password");
  const auto outcome = co_await login_gate_.check(username, password);
  metrics_.count(metrics::LoginListener::vendor, login_result(outcome.kind));
  if (outcome.kind == LoginOutcome::Kind::invalid_grant) {
    co_return oauth_error("invalid_grant", "The user name or password is incorrect.", version);
  }
  if (outcome.kind != LoginOutcome::Kind::issued) co_return refusal(outcome, version);

  const auto now = std::chrono::system_clock::now();
  const auto lifetime = tokens_.lifetime();
  boost::json::object body{
      {"access_token", tokens_.issue(outcome.vendor_id, now)},
      {"token_type", "bearer"},
      {"expires_in", lifetime.count()},
      {"userName", username},
  };
  log::info("token.issued", {{"vendor_id", std::to_string(outcome.vendor_id)}});
  auto response = make_response(beast_http::status::ok, boost::json::serialize(body),
                                WireFormat::json, version);
  response.set(beast_http::field::pragma, "no-cache");
  co_return response;
}

}  // namespace relay::api
