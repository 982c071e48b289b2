// Operator login: strict JSON body, per-name throttle before the hash, PBKDF2 off the I/O threads,
// a random session token (only its digest stored), the cookie and the CSRF token.
#include "gateway/ops/login_endpoints.hpp"

#include <boost/json.hpp>

#include "gateway/auth/password_hash.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/log/log.hpp"
#include "gateway/ops/ops_responses.hpp"
#include "gateway/ops/session_token.hpp"

namespace relay::ops {
namespace {

constexpr std::size_t max_login_body_bytes = 4096;
constexpr std::size_t max_field_chars = 200;

struct LoginForm {
  std::string username;
  std::string password;
};

// The body as {"username": string, "password": string} and nothing else; the error names the
// field and never echoes a value.
std::variant<LoginForm, OpsError> parse_login(const http::Request& request) {
  const auto content_type = request[beast_http::field::content_type];
  if (!content_type.starts_with("application/json")) {
    return OpsError{beast_http::status::unsupported_media_type, "unsupported_media_type",
                    "The login body must be application/json.", std::nullopt};
  }
  if (request.body().size() > max_login_body_bytes) {
    return OpsError{beast_http::status::payload_too_large, "payload_too_large",
                    "The login body is over 4096 bytes.", std::nullopt};
  }
  boost::system::error_code ec;
  const auto value = boost::json::parse(request.body(), ec);
  if (ec || !value.is_object()) {
    return OpsError::bad_field("body", "The body must be a JSON object.");
  }
  LoginForm form;
  bool has_username = false;
  bool has_password = false;
  for (const auto& [key, item] : value.get_object()) {
    if (key != "username" && key != "password") {
      return OpsError::bad_field(std::string(key).substr(0, 64), "Unknown field.");
    }
    if (!item.is_string() || item.get_string().empty() ||
        item.get_string().size() > max_field_chars) {
      return OpsError::bad_field(std::string(key), "Must be a string of 1 to 200 characters.");
    }
    if (key == "username") {
      form.username = std::string(item.get_string());
      has_username = true;
    } else {
      form.password = std::string(item.get_string());
      has_password = true;
    }
  }
  if (!has_username) return OpsError::bad_field("username", "Required.");
  if (!has_password) return OpsError::bad_field("password", "Required.");
  return form;
}

std::string session_cookie(const std::string& token, std::chrono::seconds max_age, bool secure) {
  return std::string(session_cookie_name) + "=" + token +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count()) +
         (secure ? "; Secure" : "");
}

const std::string& decoy_hash() {
  static const std::string hash = auth::hash_password("relay-gateway-operator-decoy");
  return hash;
}

}  // namespace

boost::asio::awaitable<http::Response> LoginEndpoint::operator()(OpsRequest& request) {
  const unsigned version = request.version();
  auto parsed = parse_login(request.http);
  if (const auto* error = std::get_if<OpsError>(&parsed)) co_return error->to_response(version);
  const auto& form = std::get<LoginForm>(parsed);

  const auto account = co_await store_.find_by_name(form.username);
  // Counted before the password check, so parallel guesses cannot slip under the limit; the
  // throttle fails closed for unknown names when its table is full.
  const auto decision = throttle_.begin_attempt(
      form.username, account ? auth::NameKind::vendor : auth::NameKind::unknown,
      auth::LoginThrottle::Clock::now());
  if (!decision.allowed()) {
    auto response =
        error_response(beast_http::status::too_many_requests, "too_many_attempts",
                       "Too many failed logins for this name; try again later.", version);
    response.set(beast_http::field::retry_after, std::to_string(decision.retry_after.count()));
    co_return response;
  }

  // PBKDF2 takes a good fraction of a CPU-second: on its own bounded threads, never on an I/O or
  // database thread. Unknown names are checked against a decoy so the time does not tell which
  // names exist; known operators have a lane unknown names cannot fill.
  const auto lane = account ? auth::HashLane::vendor : auth::HashLane::unknown;
  const auto checked = co_await hashing_.run(lane, [&account, &form] {
    if (!account) {
      (void)auth::verify_password(form.password, decoy_hash());
      return false;
    }
    return auth::verify_password(form.password, account->password_hash) && !account->disabled;
  });
  if (!checked) {
    auto response =
        error_response(beast_http::status::service_unavailable, "busy",
                       "Too many logins are being checked; try again shortly.", version);
    response.set(beast_http::field::retry_after, "1");
    co_return response;
  }
  const bool accepted = *checked;
  if (!accepted) {
    log::warn("ops.login_refused", {{"reason", "invalid credentials"}});
    co_return error_response(beast_http::status::unauthorized, "invalid_credentials",
                             "The user name or password is incorrect.", version);
  }
  throttle_.record_success(form.username);

  const std::string token = new_session_token();
  const std::string csrf = new_csrf_token();
  const std::string digest = session_token_digest(token);
  co_await store_.open_session(account->id, account->name, digest, csrf,
                               settings_.session_lifetime);
  log::info("ops.login", {{"operator_id", std::to_string(account->id)}});
  auto response =
      json_response(beast_http::status::ok,
                    boost::json::object{{"token", token},
                                        {"expires_in", settings_.session_lifetime.count()},
                                        {"role", account->role},
                                        {"csrf_token", csrf}},
                    version);
  response.set(beast_http::field::set_cookie,
               session_cookie(token, settings_.session_lifetime, settings_.cookie_secure));
  co_return response;
}

boost::asio::awaitable<http::Response> LogoutEndpoint::operator()(OpsRequest& request) {
  co_await store_.close_session(*request.session);
  log::info("ops.logout", {{"operator_id", std::to_string(request.session->operator_id)}});
  auto response = json_response(beast_http::status::ok, boost::json::object{{"logged_out", true}},
                                request.version());
  response.set(beast_http::field::set_cookie, session_cookie("", std::chrono::seconds(0), false));
  co_return response;
}

boost::asio::awaitable<http::Response> describe_session(OpsRequest& request) {
  const auto& session = *request.session;
  co_return json_response(
      beast_http::status::ok,
      boost::json::object{{"name", session.operator_name},
                          {"role", session.role},
                          {"expires_at", domain::format_iso8601_utc(
                                             std::chrono::duration_cast<std::chrono::microseconds>(
                                                 session.expires_at.time_since_epoch())
                                                 .count())},
                          {"csrf_token", session.csrf_token}},
      request.version());
}

}  // namespace relay::ops
