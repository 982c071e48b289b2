// The operations route table and its dispatch: authentication before any endpoint runs, the CSRF
// header for cookie-authenticated changes, role checks, and the one place exceptions are mapped.
#include "gateway/ops/ops_api.hpp"

#include <charconv>

#include "adapters/postgres/failure_reason.hpp"
#include "adapters/postgres/outage.hpp"
#include "gateway/api/request_target.hpp"
#include "gateway/log/log.hpp"
#include "gateway/ops/counted_login.hpp"
#include "gateway/ops/dashboard_endpoint.hpp"
#include "gateway/ops/delivery_action_endpoints.hpp"
#include "gateway/ops/delivery_list_endpoint.hpp"
#include "gateway/ops/login_endpoints.hpp"
#include "gateway/ops/metrics_endpoint.hpp"
#include "gateway/ops/operator_admin_endpoints.hpp"
#include "gateway/ops/ops_responses.hpp"
#include "gateway/ops/pause_endpoints.hpp"
#include "gateway/ops/read_routes.hpp"

namespace relay::ops {
namespace {

constexpr std::uint64_t max_ops_body_bytes = 64 * 1024;

bool changes_state(beast_http::verb method) {
  return method != beast_http::verb::get && method != beast_http::verb::head &&
         method != beast_http::verb::options;
}

http::Response unauthorized(unsigned version) {
  auto response = error_response(beast_http::status::unauthorized, "unauthorized",
                                 "Log in first: POST /ops/api/login.", version);
  response.set(beast_http::field::www_authenticate, "Bearer");
  return response;
}

// The one place exceptions become answers: refused values 400, a database outage 503 with
// Retry-After (the same classification as the vendor listener), anything else an undisclosed 500.
http::Response failure_response(const std::exception& failure, unsigned version) {
  if (const auto refused = pg::refused_value_sqlstate(failure)) {
    log::warn("ops.request_refused_by_database", {{"sqlstate", *refused}});
    return error_response(beast_http::status::bad_request, "bad_request",
                          "The request holds a value that cannot be stored or compared.", version);
  }
  if (const auto outage = pg::outage_reason(failure)) {
    log::warn("ops.database_unavailable", {{"reason", *outage}});
    auto response = error_response(beast_http::status::service_unavailable, "unavailable",
                                   "The database is unreachable; retry shortly.", version);
    response.set(beast_http::field::retry_after, "5");
    return response;
  }
  if (const auto sqlstate = pg::sqlstate_of(failure)) {
    log::error("ops.request_failed", {{"sqlstate", *sqlstate}});
  } else {
    log::error("ops.request_failed", {{"reason", failure.what()}});
  }
  return error_response(beast_http::status::internal_server_error, "internal",
                        "An error has occurred.", version);
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

OpsApi::OpsApi(const config::Config& config, pg::ConnectionPool& pool, api::Readiness& readiness,
               metrics::GatewayMetrics& metrics)
    : config_(config),
      operators_(pool),
      authenticator_(operators_),
      delivery_list_(pool),
      cursors_(config.tokens.secret),
      delivery_actions_(pool, static_cast<std::int64_t>(config.ops.bulk_action_cap)),
      pauses_(pool) {
  const auto live = [](OpsRequest& request) -> boost::asio::awaitable<http::Response> {
    co_return json_response(beast_http::status::ok, boost::json::object{{"status", "ok"}},
                            request.version());
  };
  add_route({beast_http::verb::get, "/livez", Access::anyone, live});
  add_route({beast_http::verb::get, "/healthz", Access::anyone, live});
  add_route({beast_http::verb::get, "/readyz", Access::anyone,
             [&readiness](OpsRequest& request) { return readiness.answer(request.version()); }});
  add_route({beast_http::verb::get, "/metrics", Access::anyone, MetricsEndpoint(metrics)});
  add_route({beast_http::verb::post, "/ops/api/login", Access::anyone,
             CountedLogin(LoginEndpoint(operators_, config_.ops, hashing_, login_throttle_),
                          metrics.logins())});
  add_route(
      {beast_http::verb::post, "/ops/api/logout", Access::viewer, LogoutEndpoint(operators_)});
  add_route({beast_http::verb::get, "/ops/api/session", Access::viewer, &describe_session});
  // The dashboard's files: public (the page holds no data; every API call needs the session).
  add_route({beast_http::verb::get, "/ops", Access::anyone, &serve_dashboard});
  add_route({beast_http::verb::get, "/ops/{file}", Access::anyone, &serve_dashboard});
  add_read_routes(router_, pool, config_);

  add_route({beast_http::verb::get, "/ops/api/deliveries", Access::viewer,
             DeliveryListEndpoint(delivery_list_, cursors_)});
  // The bulk routes before "/ops/api/deliveries/{id}/..." (table order decides).
  for (const auto action : {DeliveryAction::retry, DeliveryAction::cancel}) {
    const std::string name(action_name(action));
    add_route({beast_http::verb::post, "/ops/api/deliveries/" + name, Access::operator_role,
               BulkDeliveryActionEndpoint(delivery_actions_, action)});
    add_route({beast_http::verb::post, "/ops/api/deliveries/{id}/" + name, Access::operator_role,
               DeliveryActionEndpoint(delivery_actions_, action)});
  }
  add_route({beast_http::verb::post, "/ops/api/pause", Access::operator_role,
             PauseEndpoint(pauses_, true)});
  add_route({beast_http::verb::post, "/ops/api/resume", Access::operator_role,
             PauseEndpoint(pauses_, false)});
  add_route({beast_http::verb::get, "/ops/api/pauses", Access::viewer, PauseListEndpoint(pauses_)});
  // Operator accounts (admin): the CLI's operator commands over the API, audited as the admin.
  add_route({beast_http::verb::get, "/ops/api/operators", Access::admin,
             OperatorListEndpoint(operators_)});
  add_route({beast_http::verb::post, "/ops/api/operators", Access::admin,
             OperatorAddEndpoint(operators_, hashing_)});
  for (const auto& [name, change] :
       {std::pair{"disable", OperatorChange::disable}, std::pair{"enable", OperatorChange::enable},
        std::pair{"reset-password", OperatorChange::reset_password}}) {
    add_route({beast_http::verb::post, std::string("/ops/api/operators/{name}/") + name,
               Access::admin, OperatorChangeEndpoint(operators_, hashing_, change)});
  }
}

boost::asio::awaitable<http::Response> OpsApi::handle(http::Request& request) {
  const unsigned version = request.version();
  http::Response response;
  try {
    response = co_await dispatch(request);
  } catch (const std::exception& failure) {
    response = failure_response(failure, version);
  }
  if (request.method() == beast_http::verb::head) response.body().clear();
  co_return response;
}

boost::asio::awaitable<http::Response> OpsApi::dispatch(http::Request& request) {
  const unsigned version = request.version();
  auto target = api::parse_request_target(request.target());
  if (!target) {
    co_return error_response(beast_http::status::bad_request, "bad_request",
                             "The request URI is malformed.", version, "target");
  }
  auto found = router_.find(request.method(), target->path);
  if (std::holds_alternative<NoRoute>(found)) {
    co_return error_response(beast_http::status::not_found, "not_found",
                             "No operations endpoint has this path.", version);
  }
  if (const auto* refused = std::get_if<MethodNotAllowed>(&found)) {
    auto response = error_response(beast_http::status::method_not_allowed, "method_not_allowed",
                                   "This endpoint does not take this method.", version);
    response.set(beast_http::field::allow, refused->allow);
    co_return response;
  }
  auto& match = std::get<RouteMatch>(found);
  OpsRequest ops_request{request, std::move(*target), std::move(match.params), std::nullopt,
                         Role::viewer};
  if (match.route->access != Access::anyone) {
    auto identity = co_await authenticator_.identify(request);
    if (!identity) co_return unauthorized(version);
    const auto role = parse_role(identity->session.role);
    if (!role) co_return unauthorized(version);
    if (identity->via_cookie && changes_state(request.method()) &&
        !OperatorAuthenticator::carries_csrf_token(request, identity->session)) {
      co_return error_response(beast_http::status::forbidden, "csrf",
                               "A change made with the session cookie needs the X-CSRF-Token "
                               "header (GET /ops/api/session gives it).",
                               version);
    }
    if (!role_allows(*role, required_role(match.route->access))) {
      co_return error_response(beast_http::status::forbidden, "forbidden",
                               "Your role does not allow this.", version);
    }
    ops_request.session = std::move(identity->session);
    ops_request.role = *role;
  }
  co_return co_await match.route->handler(ops_request);
}

std::vector<std::string> OpsApi::route_labels() const {
  auto labels = router_.patterns();
  labels.emplace_back("unknown");
  return labels;
}

std::size_t OpsApi::route_label_index(const http::RequestHeader& header) const {
  const auto target = api::parse_request_target(header.target());
  if (!target) return router_.patterns().size();
  return router_.pattern_index(target->path);
}

http::RequestPrecheck make_ops_precheck() {
  return [](const http::RequestHeader& header) -> std::optional<http::Response> {
    const unsigned version = header.version();
    const auto length_field = header.find(beast_http::field::content_length);
    const bool chunked = header.find(beast_http::field::transfer_encoding) != header.end();
    if (chunked) {
      return error_response(beast_http::status::length_required, "length_required",
                            "Operations requests with a body need a Content-Length.", version);
    }
    if (length_field == header.end()) return std::nullopt;
    const std::string_view text = length_field->value();
    std::uint64_t length = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (ec != std::errc() || end != text.data() + text.size() || length > max_ops_body_bytes) {
      auto response = error_response(beast_http::status::payload_too_large, "payload_too_large",
                                     "Operations request bodies are at most 64 KiB.", version);
      response.keep_alive(false);
      return response;
    }
    if (length > 0 && !path_of(header.target()).starts_with("/ops/")) {
      auto response = error_response(beast_http::status::not_found, "not_found",
                                     "No operations endpoint has this path.", version);
      response.keep_alive(false);
      return response;
    }
    return std::nullopt;
  };
}

}  // namespace relay::ops
