// GatewayApi: the routing table, authentication before the method check on vendor routes, the
// access log line, and the one mapping of escaping exceptions (outage 503, refused value 400, 500).
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

http::Response method_not_allowed(unsigned version, const std::string& allow) {
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
    : tokens_(tokens),
      readiness_(readiness),
      cpu_pool_(std::max(2u, std::thread::hardware_concurrency())),
      active_vendors_(pool),
      message_reads_(pool),
      token_(config.auth, pool, tokens, metrics.logins()),
      post_message_(config, pool, cpu_pool_, metrics.intake()),
      get_message_(message_reads_, cpu_pool_),
      search_messages_(message_reads_, cpu_pool_),
      webhook_(config, pool, metrics.webhooks()),
      webhook_path_(normalised_path(config.webhook_path)) {
  using beast_http::verb;
  using enum VendorAccess;
  const auto readiness_answer = [this](VendorRequest& request) {
    return readiness_.answer(request.http.version());
  };
  const auto liveness = [this](VendorRequest& request) { return liveness_(request); };
  // Table order is the order of each route's Allow header.
  router_.add({VendorRoute::healthz, verb::get, anyone, liveness});
  router_.add({VendorRoute::healthz, verb::head, anyone, liveness});
  router_.add({VendorRoute::livez, verb::get, anyone, liveness});
  router_.add({VendorRoute::livez, verb::head, anyone, liveness});
  router_.add({VendorRoute::readyz, verb::get, anyone, readiness_answer});
  router_.add({VendorRoute::readyz, verb::head, anyone, readiness_answer});
  router_.add({VendorRoute::token, verb::post, anyone,
               [this](VendorRequest& request) { return token_(request); }});
  router_.add({VendorRoute::webhook, verb::post, anyone,
               [this](VendorRequest& request) { return webhook_(request); }});
  router_.add({VendorRoute::messages, verb::get, vendor,
               [this](VendorRequest& request) { return get_message_(request); }});
  router_.add({VendorRoute::messages, verb::post, vendor,
               [this](VendorRequest& request) { return post_message_(request); }});
  router_.add({VendorRoute::search, verb::get, vendor,
               [this](VendorRequest& request) { return search_messages_(request); }});
}

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
      route_name = vendor_route(normalised_path(target->path), webhook_path_);
      response = co_await dispatch(request, *target, route_name);
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

boost::asio::awaitable<http::Response> GatewayApi::dispatch(http::Request& request,
                                                            const RequestTarget& target,
                                                            VendorRoute route) {
  const unsigned version = request.version();
  const VendorLookup found = router_.find(route, request.method());
  if (!found.route_known) co_return not_found_response(version);
  VendorRequest vendor_request{request, target, 0, {}};
  if (found.access == VendorAccess::vendor) {
    const auto vendor_id = authenticate(request);
    std::optional<std::string> vendor_name;
    if (vendor_id) vendor_name = co_await active_vendors_.active_name(*vendor_id);
    if (!vendor_name) {
      co_return unauthorized_response(
          version, request.find(beast_http::field::authorization) != request.end());
    }
    vendor_request.vendor_id = *vendor_id;
    vendor_request.vendor_name = std::move(*vendor_name);
  }
  if (found.entry == nullptr) co_return method_not_allowed(version, found.allow);
  co_return co_await found.entry->handler(vendor_request);
}

}  // namespace relay::api
