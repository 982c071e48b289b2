// GET/POST /_sim/settings, POST /_sim/reset, GET /_sim/received, GET /_sim/counters and
// POST /_sim/messages/<id>/status; errors are {"error":"..."} with 400 or 404.
#include "tests/simulator/control_routes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "gateway/log/log.hpp"
#include "tests/simulator/message_shapes.hpp"
#include "tests/simulator/responses.hpp"
#include "tests/simulator/status_events.hpp"

namespace relay::sim {
namespace {
namespace json = boost::json;
namespace http = boost::beast::http;

Response control_error(int status, std::string_view text) {
  return json_response(status, json::object{{"error", text}});
}

std::optional<json::value> parse(const Request& request) {
  boost::system::error_code ec;
  auto value = json::parse(request.body(), ec);
  if (ec) return std::nullopt;
  return value;
}

Response update_settings(SimContext& context, const Request& request) {
  const auto patch = parse(request);
  if (!patch) return control_error(400, "settings body is not JSON");
  std::lock_guard lock(context.state.mutex);
  const std::uint64_t old_seed = context.state.settings.seed;
  if (auto problem = merge_settings(context.state.settings, *patch)) {
    return control_error(400, *problem);
  }
  if (patch->get_object().contains("seed") || context.state.settings.seed != old_seed) {
    context.state.dice.reseed(context.state.settings.seed);
  }
  log::info("sim.settings_changed");
  return json_response(200, settings_to_json(context.state.settings));
}

Response set_status(const std::shared_ptr<SimContext>& context, const std::string& id,
                    const Request& request) {
  const auto body = parse(request);
  if (!body || !body->is_object()) return control_error(400, "body must be a JSON object");
  const auto& object = body->get_object();
  const json::value* status = object.if_contains("status");
  if (status == nullptr || !status->is_string() ||
      (status->get_string() != "completed" && status->get_string() != "failed")) {
    return control_error(400, "status must be \"completed\" or \"failed\"");
  }
  std::optional<std::string> reason;
  if (const json::value* given = object.if_contains("reason")) {
    if (!given->is_string() || given->get_string().empty()) {
      return control_error(400, "reason must be a non-empty string");
    }
    reason = std::string(given->get_string());
  }
  bool webhook = true;
  if (const json::value* flag = object.if_contains("webhook")) {
    if (!flag->is_bool()) return control_error(400, "webhook must be true or false");
    webhook = flag->get_bool();
  }
  if (!change_status_by_hand(context, id, std::string(status->get_string()), reason, webhook)) {
    return control_error(404, "no such message");
  }
  std::lock_guard lock(context->state.mutex);
  return json_response(200, message_json(*context->state.messages.find(id)));
}

}  // namespace

Response handle_control(const std::shared_ptr<SimContext>& context, const RequestTarget& target,
                        const Request& request) {
  const std::string& path = target.path;
  const auto method = request.method();
  if (path == "/_sim/settings" && method == http::verb::get) {
    std::lock_guard lock(context->state.mutex);
    return json_response(200, settings_to_json(context->state.settings));
  }
  if (path == "/_sim/settings" && method == http::verb::post) {
    return update_settings(*context, request);
  }
  if (path == "/_sim/reset" && method == http::verb::post) {
    std::lock_guard lock(context->state.mutex);
    context->state.reset();
    log::info("sim.reset");
    return json_response(200, json::object{{"reset", true}});
  }
  if (path == "/_sim/received" && method == http::verb::get) {
    json::object view;
    {
      std::lock_guard lock(context->state.mutex);
      view = context->state.received_json();
    }
    return json_response(200, view);
  }
  if (path == "/_sim/counters" && method == http::verb::get) {
    std::lock_guard lock(context->state.mutex);
    return json_response(200, context->state.log.counters_json());
  }
  constexpr std::string_view messages_prefix = "/_sim/messages/";
  constexpr std::string_view status_suffix = "/status";
  if (method == http::verb::post && path.starts_with(messages_prefix) &&
      path.ends_with(status_suffix) &&
      path.size() > messages_prefix.size() + status_suffix.size()) {
    const std::string id = path.substr(messages_prefix.size(),
                                       path.size() - messages_prefix.size() - status_suffix.size());
    return set_status(context, id, request);
  }
  return control_error(404, "no such control route");
}

}  // namespace relay::sim
