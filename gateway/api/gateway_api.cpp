// Request dispatch: path and method matching, authentication, the access log line, and the mapping of
// any escaping exception to a 500 that discloses nothing.
#include "gateway/api/gateway_api.hpp"

#include <chrono>

#include "gateway/api/responses.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/log/log.hpp"

namespace relay::api {
namespace {

constexpr std::string_view token_path = "/token";
constexpr std::string_view messages_path = "/api/outgoingsecuremessages";
constexpr std::string_view search_path = "/api/outgoingsecuremessages/search";

std::string normalised_path(const std::string& path) {
  std::string lower = domain::to_lower_ascii(path);
  while (lower.size() > 1 && lower.back() == '/') lower.pop_back();
  return lower;
}

http::Response not_found(unsigned version) {
  return make_response(beast_http::status::not_found,
                       R"({"message":"No HTTP resource was found that matches the request URI."})",
                       WireFormat::json, version);
}

http::Response method_not_allowed(unsigned version, const char* allow) {
  auto response = make_response(beast_http::status::method_not_allowed,
                                R"({"message":"The requested resource does not support this HTTP method."})",
                                WireFormat::json, version);
  response.set(beast_http::field::allow, allow);
  return response;
}

}  // namespace

GatewayApi::GatewayApi(const config::Config& config, pg::ConnectionPool& pool,
                       const auth::TokenSigner& tokens)
    : config_(config), pool_(pool), tokens_(tokens), intake_(pool, config) {}

std::optional<std::int64_t> GatewayApi::authenticate(const http::Request& request) const {
  const auto header = request[beast_http::field::authorization];
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size() || !domain::iequals(header.substr(0, scheme.size()), scheme)) {
    return std::nullopt;
  }
  auto token = header.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  const auto claims = tokens_.verify(token, std::chrono::system_clock::now());
  if (!claims) return std::nullopt;
  return claims->vendor_id;
}

boost::asio::awaitable<http::Response> GatewayApi::handle(http::Request& request) {
  const auto started = std::chrono::steady_clock::now();
  const unsigned version = request.version();
  http::Response response;
  std::string route_name = "unknown";
  try {
    const auto target = parse_request_target(request.target());
    if (!target) {
      response = error_response(
          domain::RequestError::plain(domain::ErrorKind::bad_request, "The request URI is malformed."),
          WireFormat::json, version);
    } else {
      route_name = normalised_path(target->path);
      response = co_await route(request, *target);
    }
  } catch (const std::exception& failure) {
    log::error("request.failed", {{"route", route_name}, {"reason", failure.what()}});
    response = internal_error_response(version);
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  log::write(log::Level::debug, "request",
             {{"method", std::string(request.method_string())},
              {"route", route_name},
              {"status", std::to_string(response.result_int())},
              {"micros", std::to_string(elapsed.count())}});
  co_return response;
}

boost::asio::awaitable<http::Response> GatewayApi::route(http::Request& request,
                                                         const RequestTarget& target) {
  const auto path = normalised_path(target.path);
  const auto method = request.method();
  const unsigned version = request.version();

  if (path == "/healthz") {
    co_return make_response(beast_http::status::ok, R"({"status":"ok"})", WireFormat::json, version);
  }
  if (path == "/readyz") co_return co_await readiness(request);
  if (path == token_path) {
    if (method != beast_http::verb::post) co_return method_not_allowed(version, "POST");
    co_return co_await issue_token(request);
  }
  if (path != messages_path && path != search_path) co_return not_found(version);

  const auto vendor_id = authenticate(request);
  if (!vendor_id) {
    co_return unauthorized_response(version, request.find(beast_http::field::authorization) !=
                                                 request.end());
  }
  if (path == search_path) {
    if (method != beast_http::verb::get) co_return method_not_allowed(version, "GET");
    co_return co_await search_messages(request, target, *vendor_id);
  }
  if (method == beast_http::verb::post) co_return co_await post_message(request, *vendor_id);
  if (method == beast_http::verb::get) co_return co_await get_message(request, target, *vendor_id);
  co_return method_not_allowed(version, "GET, POST");
}

boost::asio::awaitable<http::Response> GatewayApi::readiness(http::Request& request) {
  bool ready = false;
  try {
    ready = co_await pool_.run([](pqxx::connection& connection) {
      pqxx::nontransaction tx(connection);
      tx.exec("SELECT 1");
      return true;
    });
  } catch (const std::exception& failure) {
    log::warn("readiness.database_unreachable", {{"reason", failure.what()}});
  }
  co_return make_response(ready ? beast_http::status::ok : beast_http::status::service_unavailable,
                          ready ? R"({"status":"ready"})" : R"({"status":"unavailable"})",
                          WireFormat::json, request.version());
}

}  // namespace relay::api
