// Request dispatch: path and method matching, authentication, the access log line, and the mapping
// of escaping exceptions: a database outage to a 503 with Retry-After, any other fault to a 500.
#include "gateway/api/gateway_api.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "adapters/postgres/failure_reason.hpp"
#include "adapters/postgres/outage.hpp"
#include "gateway/api/request_precheck.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/api/vendor_routes.hpp"
#include "gateway/log/log.hpp"

namespace relay::api {
namespace {

// The format a failure is answered in: the one the route answers in. The message routes follow
// Accept, defaulting to the posted body's format; search, /token and webhooks answer JSON.
WireFormat failure_format(const http::Request& request, VendorRoute route) {
  if (route != VendorRoute::messages) return WireFormat::json;
  const bool posted_xml =
      request.method() == beast_http::verb::post &&
      classify_content_type(request[beast_http::field::content_type]) == ContentTypeCheck::xml;
  return format_from_accept(request[beast_http::field::accept],
                            posted_xml ? WireFormat::xml : WireFormat::json)
      .value_or(WireFormat::json);
}

http::Response method_not_allowed(unsigned version, const char* allow) {
  auto response =
      make_response(beast_http::status::method_not_allowed,
                    R"({"message":"The requested resource does not support this HTTP method."})",
                    WireFormat::json, version);
  response.set(beast_http::field::allow, allow);
  return response;
}

// The one mapping of exceptions to answers. Server messages may quote stored values (PHI): a
// database failure is logged by SQLSTATE or by its classified reason only.
http::Response failure_response(const std::exception& failure, WireFormat format, VendorRoute route,
                                unsigned version) {
  const std::string label(to_text(route));
  if (const auto refused = pg::refused_value_sqlstate(failure)) {
    // Input the validators let through but PostgreSQL refuses: the client's fault, nothing stored.
    log::warn("request.refused_by_database", {{"route", label}, {"sqlstate", *refused}});
    return error_response(
        domain::RequestError::plain(domain::ErrorKind::bad_request,
                                    "The request holds a value that cannot be stored."),
        format, version);
  }
  if (const auto outage = pg::outage_reason(failure)) {
    // Temporary: the same request succeeds once the database is back (writes are idempotent).
    log::warn("request.database_unavailable", {{"route", label}, {"reason", *outage}});
    return unavailable_response(format, version);
  }
  if (const auto sqlstate = pg::sqlstate_of(failure)) {
    log::error("request.failed", {{"route", label}, {"sqlstate", *sqlstate}});
  } else {
    log::error("request.failed", {{"route", label}, {"reason", failure.what()}});
  }
  return internal_error_response(format, version);
}

}  // namespace

GatewayApi::GatewayApi(const config::Config& config, pg::ConnectionPool& pool,
                       const auth::TokenSigner& tokens, Readiness& readiness,
                       metrics::GatewayMetrics& metrics)
    : config_(config),
      tokens_(tokens),
      readiness_(readiness),
      metrics_(metrics),
      intake_(pool),
      cpu_pool_(std::max(2u, std::thread::hardware_concurrency())),
      login_gate_(config.auth, pool),
      active_vendors_(pool),
      message_reads_(pool),
      webhook_inbox_(pool),
      webhook_path_(normalised_path(config.webhook_path)) {}

std::optional<std::int64_t> GatewayApi::authenticate(const http::Request& request) const {
  return vendor_from_authorization(request[beast_http::field::authorization], tokens_);
}

boost::asio::awaitable<http::Response> GatewayApi::handle(http::Request& request) {
  const auto started = std::chrono::steady_clock::now();
  const unsigned version = request.version();
  http::Response response;
  VendorRoute route_name = VendorRoute::unknown;
  try {
    const auto target = parse_request_target(request.target());
    if (!target) {
      response = malformed_target_response(version);
    } else {
      const auto path = normalised_path(target->path);
      route_name = vendor_route(path, webhook_path_);
      response = co_await route(request, *target, path);
    }
  } catch (const std::exception& failure) {
    response = failure_response(failure, failure_format(request, route_name), route_name, version);
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - started);
  log::write(log::Level::debug, "request",
             {{"method", std::string(request.method_string())},
              {"route", std::string(to_text(route_name))},
              {"status", std::to_string(response.result_int())},
              {"micros", std::to_string(elapsed.count())}});
  co_return response;
}

boost::asio::awaitable<http::Response> GatewayApi::route(http::Request& request,
                                                         const RequestTarget& target,
                                                         const std::string& path) {
  const auto method = request.method();
  const unsigned version = request.version();

  const bool is_probe = path == paths::healthz || path == paths::livez || path == paths::readyz;
  if (is_probe && method != beast_http::verb::get && method != beast_http::verb::head) {
    co_return method_not_allowed(version, "GET, HEAD");
  }
  if (path == paths::healthz || path == paths::livez) {
    co_return make_response(beast_http::status::ok, R"({"status":"ok"})", WireFormat::json,
                            version);
  }
  if (path == paths::readyz) co_return co_await readiness_.answer(version);
  if (path == paths::token) {
    if (method != beast_http::verb::post) co_return method_not_allowed(version, "POST");
    co_return co_await issue_token(request);
  }
  if (path == webhook_path_) {
    if (method != beast_http::verb::post) co_return method_not_allowed(version, "POST");
    co_return co_await receive_webhook(request);
  }
  if (path != paths::messages && path != paths::search) co_return not_found_response(version);

  const auto vendor_id = authenticate(request);
  std::optional<std::string> vendor_name;
  if (vendor_id) vendor_name = co_await active_vendors_.active_name(*vendor_id);
  if (!vendor_name) {
    co_return unauthorized_response(
        version, request.find(beast_http::field::authorization) != request.end());
  }
  if (path == paths::search) {
    if (method != beast_http::verb::get) co_return method_not_allowed(version, "GET");
    co_return co_await search_messages(request, target, *vendor_id);
  }
  if (method == beast_http::verb::post) {
    co_return co_await post_message(request, *vendor_id, *vendor_name);
  }
  if (method == beast_http::verb::get) co_return co_await get_message(request, target, *vendor_id);
  co_return method_not_allowed(version, "GET, POST");
}

}  // namespace relay::api
