// POST /token: the portal's OAuth2 password grant, answered as ASP.NET's OAuth server does.
// The slow password hash runs on the CPU pool, never on an I/O or database thread.
#include <boost/json.hpp>

#include "adapters/postgres/vendor_repository.hpp"
#include "gateway/api/gateway_api.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/auth/password_hash.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/http/offload.hpp"
#include "gateway/log/log.hpp"

namespace relay::api {
namespace {

http::Response oauth_error(const char* error, const char* description, unsigned version) {
  boost::json::object body{{"error", error}, {"error_description", description}};
  return make_response(beast_http::status::bad_request, boost::json::serialize(body),
                       WireFormat::json, version);
}

// Verifying against this hash when the user name is unknown keeps the answer time the same, so
// timing does not reveal which vendor names exist.
const std::string& decoy_hash() {
  static const std::string hash = auth::hash_password("relay-gateway-decoy-password");
  return hash;
}

}  // namespace

boost::asio::awaitable<http::Response> GatewayApi::issue_token(http::Request& request) {
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
  const auto retry_after =
      login_throttle_.begin_attempt(username, auth::LoginThrottle::Clock::now());
  if (retry_after.count() > 0) {
    log::warn("token.throttled", {{"retry_after_seconds", std::to_string(retry_after.count())}});
    auto response =
        oauth_error("invalid_grant", "Too many failed attempts; try again later.", version);
    response.result(beast_http::status::too_many_requests);
    response.set(beast_http::field::retry_after, std::to_string(retry_after.count()));
    co_return response;
  }

  std::optional<pg::VendorCredentials> vendor;
  std::exception_ptr lookup_failure;
  try {
    vendor = co_await pool_.run([&username](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return pg::VendorRepository::find_by_name(tx, username);
    });
  } catch (...) {
    lookup_failure = std::current_exception();
  }
  if (lookup_failure) {
    // No password was checked (e.g. the database is away: 503): not an attempt against the limit.
    login_throttle_.cancel_attempt(username);
    std::rethrow_exception(lookup_failure);
  }
  // PBKDF2 takes a good fraction of a CPU-second: the CPU pool, never an I/O or database thread.
  const auto vendor_id = co_await http::run_on(
      cpu_pool_.get_executor(), [&vendor, &password]() -> std::optional<std::int64_t> {
        if (!vendor) {
          (void)auth::verify_password(password, decoy_hash());
          return std::nullopt;
        }
        if (!auth::verify_password(password, vendor->password_hash) || vendor->disabled) {
          return std::nullopt;
        }
        return vendor->id;
      });
  if (!vendor_id) {
    log::warn("token.refused", {{"reason", "invalid_grant"}});
    co_return oauth_error("invalid_grant", "The user name or password is incorrect.", version);
  }

  login_throttle_.record_success(username);
  const auto now = std::chrono::system_clock::now();
  const auto lifetime = tokens_.lifetime();
  boost::json::object body{
      {"access_token", tokens_.issue(*vendor_id, now)},
      {"token_type", "bearer"},
      {"expires_in", lifetime.count()},
      {"userName", username},
  };
  log::info("token.issued", {{"vendor_id", std::to_string(*vendor_id)}});
  auto response = make_response(beast_http::status::ok, boost::json::serialize(body),
                                WireFormat::json, version);
  response.set(beast_http::field::pragma, "no-cache");
  co_return response;
}

}  // namespace relay::api
