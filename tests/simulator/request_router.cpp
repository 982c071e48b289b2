// Dispatch, API-key check and the faults every API call may get (429 with Retry-After, 500);
// sends take their own path (send window first). Latency is waited on a timer, never a sleep.
#include "tests/simulator/request_router.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gateway/domain/digest.hpp"
#include "gateway/log/log.hpp"
#include "tests/simulator/control_routes.hpp"
#include "tests/simulator/responses.hpp"
#include "tests/simulator/routes.hpp"
#include "tests/simulator/status_events.hpp"

namespace relay::sim {
namespace {
namespace asio = boost::asio;
namespace http = boost::beast::http;

constexpr std::string_view api_prefix = "/medical/v1";
constexpr std::string_view upload_prefix = "/_upload/";

// Routes an authorised API call other than a send; called with the state mutex held.
Response route_api(SimContext& context, std::string_view path, const RequestTarget& target,
                   const Request& request) {
  const auto method = request.method();
  if (path == "/patient/external-id" && method == http::verb::get) {
    return lookup_patient(context, target);
  }
  if (path == "/document/upload" && method == http::verb::post) {
    return create_document(context, target, request);
  }
  if (path == "/message" && method == http::verb::get) return list_messages(context, target);
  if (path.starts_with("/message/") && method == http::verb::get) {
    return get_message(context, path.substr(9));
  }
  return not_found("Route not found");
}

asio::awaitable<Reply> handle_api(std::shared_ptr<SimContext> context, const RequestTarget& target,
                                  const Request& request) {
  const std::string_view path = std::string_view(target.path).substr(api_prefix.size());
  const bool is_send = path == "/message" && request.method() == http::verb::post;
  if (is_send) context->capture.send(request.body());

  Reply reply;
  std::optional<std::string> scheduled;
  std::chrono::milliseconds webhook_delay{0};
  std::chrono::milliseconds latency{0};
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(context->state.mutex);
    SimState& state = context->state;
    ++state.log.counters.api_calls;
    latency = std::chrono::milliseconds(state.settings.latency_ms);
    if (!domain::constant_time_equals(request["x-api-key"], context->api_key)) {
      ++state.log.counters.unauthorized;
      log::info("sim.unauthorized");
      if (is_send) {
        state.log.add_send({0, target.param("patientId").value_or(""), request.body(), 401,
                            "rejected", std::nullopt, ""});
      }
      reply.response = unauthorized();
    } else if (is_send) {
      SendDecision decision = handle_send(*context, target, request);
      reply = std::move(decision.reply);
      scheduled = std::move(decision.scheduled_message);
      webhook_delay = decision.webhook_delay;
    } else if (state.dice.chance(state.settings.rate_429)) {
      ++state.log.counters.injected_429;
      reply.response = too_many_requests(state.settings.retry_after_seconds);
    } else if (state.dice.chance(state.settings.error_rate)) {
      ++state.log.counters.injected_500;
      reply.response = internal_error();
    } else {
      reply.response = route_api(*context, path, target, request);
    }
    generation = state.generation;
  }
  if (scheduled) schedule_status_event(context, *scheduled, generation, webhook_delay);
  if (latency.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, latency);
    co_await timer.async_wait(asio::use_awaitable);
  }
  co_return reply;
}

}  // namespace

std::size_t body_limit_for(std::string_view target) {
  return target.starts_with(upload_prefix) ? upload_body_limit : api_body_limit;
}

Handler make_request_handler(std::shared_ptr<SimContext> context) {
  return [context](Request& request) -> asio::awaitable<Reply> {
    const auto target = parse_request_target(request.target());
    if (!target) co_return Reply{bad_request("malformed request target")};
    if (target->path == api_prefix || target->path.starts_with(std::string(api_prefix) + "/")) {
      co_return co_await handle_api(context, *target, request);
    }
    if (target->path.starts_with(upload_prefix)) {
      std::lock_guard lock(context->state.mutex);
      co_return Reply{receive_upload(*context, target->path.substr(upload_prefix.size()), request)};
    }
    if (target->path.starts_with("/_sim/")) {
      co_return Reply{handle_control(context, *target, request)};
    }
    co_return Reply{not_found("Route not found")};
  };
}

}  // namespace relay::sim
