// Answers of the delivery actions: counts of what matched and what changed; rows whose state does
// not allow the move are skipped, not errors. Parameters are checked before anything is read.
#include "gateway/ops/delivery_action_endpoints.hpp"

#include <charconv>

#include <boost/json.hpp>

#include "gateway/log/log.hpp"
#include "gateway/ops/ops_query.hpp"
#include "gateway/ops/ops_responses.hpp"

namespace relay::ops {
namespace {

std::optional<std::int64_t> parse_id(const std::string& text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 1) return std::nullopt;
  return id;
}

// No other query parameter than dry_run: a filter given here would be silently ignored.
std::optional<OpsError> only_dry_run(const api::RequestTarget& target) {
  for (const auto& [name, value] : target.params) {
    if (name != "dry_run") {
      return OpsError::bad_field(name.substr(0, 64),
                                 "Unknown parameter: one delivery's action takes only dry_run.");
    }
  }
  return std::nullopt;
}

boost::json::object counts(const pg::DeliveryActionResult& result, bool dry_run) {
  if (dry_run) return {{"matched", result.matched}, {"would_change", result.would_change}};
  return {{"matched", result.matched},
          {"changed", result.changed},
          {"skipped", result.matched - result.changed}};
}

void log_action(DeliveryAction action, const OpsRequest& request,
                const pg::DeliveryActionResult& result) {
  log::info("ops.deliveries_action",
            {{"action", std::string(action_name(action))},
             {"operator_id", request.session ? std::to_string(request.session->operator_id) : ""},
             {"matched", std::to_string(result.matched)},
             {"changed", std::to_string(result.changed)}});
}

}  // namespace

boost::asio::awaitable<http::Response> DeliveryActionEndpoint::operator()(OpsRequest& request) {
  const unsigned version = request.version();
  const auto id = parse_id(request.path_params.at(0));
  if (!id) {
    co_return OpsError::bad_field("id", "Must be a delivery id (a positive whole number).")
        .to_response(version);
  }
  if (auto refused = only_dry_run(request.target)) co_return refused->to_response(version);
  const auto dry_run = dry_run_of(request.target);
  if (const auto* refused = std::get_if<OpsError>(&dry_run)) {
    co_return refused->to_response(version);
  }
  const bool preview = std::get<bool>(dry_run);
  const std::string actor = request.actor();
  const std::int64_t delivery_id = *id;
  const auto result = co_await actions_.by_id(action_, delivery_id, preview, actor);
  if (!result.found) co_return OpsError::not_found("No delivery has this id.").to_response(version);
  if (!preview) log_action(action_, request, result);
  boost::json::object body = counts(result, preview);
  body["delivery_id"] = delivery_id;
  body["state"] = result.state.value_or("");
  co_return json_response(beast_http::status::ok, body, version);
}

boost::asio::awaitable<http::Response> BulkDeliveryActionEndpoint::operator()(OpsRequest& request) {
  const unsigned version = request.version();
  const auto filter = delivery_filter_of(request.target, {"dry_run"});
  if (const auto* refused = std::get_if<OpsError>(&filter)) {
    co_return refused->to_response(version);
  }
  const auto dry_run = dry_run_of(request.target);
  if (const auto* refused = std::get_if<OpsError>(&dry_run)) {
    co_return refused->to_response(version);
  }
  const auto& parsed = std::get<domain::ops::DeliveryFilter>(filter);
  if (parsed.matches_everything()) {
    co_return OpsError::bad_field("filter",
                                  "A bulk action needs at least one filter parameter (e.g. "
                                  "state=dead); it acts on everything the filter matches, never "
                                  "on a page.")
        .to_response(version);
  }
  const bool preview = std::get<bool>(dry_run);
  const std::string actor = request.actor();
  const auto result = co_await actions_.by_filter(action_, parsed, preview, actor);
  if (result.over_cap) {
    co_return json_response(
        beast_http::status::conflict,
        boost::json::object{
            {"error", "over_cap"},
            {"message", "The filter matches " + std::to_string(result.matched) +
                            " deliveries; one call may act on at most " +
                            std::to_string(actions_.cap()) +
                            " (ops.bulk_action_cap). Narrow the filter, e.g. by created_from "
                            "and created_to."},
            {"field", "bulk_action_cap"},
            {"matched", result.matched},
            {"cap", actions_.cap()}},
        version);
  }
  if (!preview) log_action(action_, request, result);
  co_return json_response(beast_http::status::ok, counts(result, preview), version);
}

}  // namespace relay::ops
