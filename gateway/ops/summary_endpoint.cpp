// Shapes the summary's facts into JSON: every delivery state listed (zeros included) so the answer
// has one shape, ages against the database's clock, and the pacer described by the relay's rules.
#include "gateway/ops/summary_endpoint.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include <boost/json.hpp>

#include "adapters/postgres/message_rows.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/ops/ops_responses.hpp"
#include "gateway/ops/query_reader.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/pacer_view.hpp"
#include "gateway/relay/relay_engine.hpp"

namespace relay::ops {
namespace {

namespace json = boost::json;

bool is_waiting(std::string_view state) {
  const auto parsed = engine::parse_delivery_state(state);
  return parsed && engine::is_claimable(*parsed);
}
bool is_in_flight(std::string_view state) {
  const auto parsed = engine::parse_delivery_state(state);
  return parsed && engine::is_in_flight(*parsed);
}

std::string priority_name(int priority) {
  return domain::to_string(pg::priority_from_column(priority));
}

// Deliveries of some groups (all vendors', or one vendor's) in one shape; "counted" sums them
// (every unfinished delivery, and those finished in the last finished_window_hours).
class DeliveryTally {
 public:
  void add(const pg::DeliveryGroup& group) {
    total_ += group.count;
    by_state_[group.state] += group.count;
    by_priority_[priority_name(group.priority)][group.state] += group.count;
    if (group.oldest_waiting && (!oldest_waiting_ || *group.oldest_waiting < *oldest_waiting_)) {
      oldest_waiting_ = group.oldest_waiting;
    }
  }

  json::object to_json(domain::EpochMicros now) const {
    json::object by_state;
    for (const auto state : engine::all_delivery_states) {
      by_state[engine::to_text(state)] = count_in(engine::to_text(state));
    }
    json::object by_priority;
    for (const auto* name : {"High", "Normal", "Low"}) {
      json::object states;
      if (const auto found = by_priority_.find(name); found != by_priority_.end()) {
        for (const auto& [state, count] : found->second) states[state] = count;
      }
      by_priority[name] = std::move(states);
    }
    std::int64_t waiting = 0;
    std::int64_t in_flight = 0;
    for (const auto& [state, count] : by_state_) {
      if (is_waiting(state)) waiting += count;
      if (is_in_flight(state)) in_flight += count;
    }
    json::value age = nullptr;
    if (oldest_waiting_) age = std::max<std::int64_t>(0, (now - *oldest_waiting_) / 1'000'000);
    return json::object{{"counted", total_},
                        {"by_state", std::move(by_state)},
                        {"by_priority", std::move(by_priority)},
                        {"waiting", waiting},
                        {"in_flight", in_flight},
                        {"dead", count_in("dead")},
                        {"failed", count_in("failed")},
                        {"oldest_waiting_created_at", json_instant(oldest_waiting_)},
                        {"oldest_waiting_age_seconds", age}};
  }

 private:
  std::int64_t count_in(std::string_view state) const {
    const auto found = by_state_.find(std::string(state));
    return found == by_state_.end() ? 0 : found->second;
  }

  std::int64_t total_ = 0;
  std::map<std::string, std::int64_t> by_state_;
  std::map<std::string, std::map<std::string, std::int64_t>> by_priority_;
  std::optional<domain::EpochMicros> oldest_waiting_;
};

json::object rates_json(const std::map<std::string, pg::WindowCounts>& rates) {
  json::object out;
  for (const auto& [measure, counts] : rates) {
    out[measure] =
        json::object{{"1m", counts.last_1m}, {"5m", counts.last_5m}, {"15m", counts.last_15m}};
  }
  return out;
}

json::object pacer_json(const engine::PacerView& view, domain::EpochMicros now) {
  const auto seconds_until = [now](domain::EpochMicros at) {
    return (std::max<std::int64_t>(0, at - now) + 999'999) / 1'000'000;
  };
  return json::object{{"limit", view.limit},
                      {"window_seconds", view.window_micros / 1'000'000},
                      {"used_this_window", view.used_this_window},
                      {"used_source", view.used_source == engine::UsageSource::metriport_headers
                                          ? "metriport_headers"
                                          : "sends_started_last_window"},
                      {"window_ends_at", json_instant(view.window_ends_at_micros)},
                      {"in_flight", view.in_flight},
                      {"next_free_slot_at", domain::format_iso8601_utc(view.next_free_slot_micros)},
                      {"next_free_slot_in_seconds", seconds_until(view.next_free_slot_micros)},
                      {"blocked_until", json_instant(view.blocked_until_micros)},
                      {"sends_to_make", view.pending_sends},
                      {"drain_seconds", view.drain.duration.count()},
                      {"drains_at", domain::format_iso8601_utc(view.drain.completes_at_micros)}};
}

json::object webhooks_json(const pg::SummaryFacts& facts) {
  json::array last_hour;
  for (const auto& tally : facts.webhooks_last_hour) {
    last_hour.push_back(json::object{
        {"type", tally.event_type}, {"outcome", tally.outcome}, {"count", tally.count}});
  }
  return json::object{{"last_received_at", json_instant(facts.webhook_last_received)},
                      {"last_hour_by_type_and_outcome", std::move(last_hour)},
                      {"not_applied_yet", facts.webhooks_not_applied},
                      {"waiting_for_send", facts.webhooks_waiting},
                      {"rejections_last_hour", facts.rejections_last_hour},
                      {"last_rejection_at", json_instant(facts.rejection_last_received)}};
}

json::object metriport_json(const pg::SummaryFacts& facts) {
  json::value failure_class = nullptr;
  if (facts.metriport_last_failure_class) failure_class = *facts.metriport_last_failure_class;
  json::value failure_event = nullptr;
  if (facts.metriport_last_failure_event) failure_event = *facts.metriport_last_failure_event;
  return json::object{{"last_success_at", json_instant(facts.metriport_last_success)},
                      {"failures_since_success", facts.metriport_failures_since_success},
                      {"failures_since_success_capped",
                       facts.metriport_failures_since_success >= pg::metriport_failures_cap},
                      {"last_failure_at", json_instant(facts.metriport_last_failure)},
                      {"last_failure_class", std::move(failure_class)},
                      {"last_failure_event", std::move(failure_event)}};
}

json::object paused_json(const std::vector<pg::RelayPause>& pauses) {
  json::value global = nullptr;
  json::array vendors;
  for (const auto& pause : pauses) {
    json::object row{{"paused_by", pause.paused_by},
                     {"paused_at", domain::format_iso8601_utc(pause.paused_at)}};
    if (pause.vendor) {
      row["vendor"] = *pause.vendor;
      vendors.push_back(std::move(row));
    } else {
      global = std::move(row);
    }
  }
  return json::object{{"global", std::move(global)}, {"vendors", std::move(vendors)}};
}

}  // namespace

SummaryEndpoint::SummaryEndpoint(pg::ConnectionPool& pool, const config::Config& config)
    : store_(pool) {
  const auto pacer = engine::pacer_settings(config);
  query_.pacer_account = pacer.account;
  query_.pacer_window = pacer.window;
  query_.stale_grant = pacer.stale_in_flight;
  configured_pacer_ = engine::initial_pacer_state(pacer.sends_per_minute, pacer.window);
}

boost::asio::awaitable<http::Response> SummaryEndpoint::operator()(OpsRequest& request) {
  QueryReader reader(request.target, {});
  if (reader.error()) co_return reader.error()->to_response(request.version());

  const pg::SummaryFacts facts = co_await store_.read(query_);

  DeliveryTally overall;
  std::map<std::string, DeliveryTally> per_vendor;
  for (const auto& group : facts.deliveries) {
    overall.add(group);
    per_vendor[group.vendor].add(group);
  }
  std::set<std::string> paused_vendors;
  for (const auto& pause : facts.pauses) {
    if (pause.vendor) paused_vendors.insert(*pause.vendor);
  }
  json::array vendors;
  for (const auto& [name, tally] : per_vendor) {
    json::object row = tally.to_json(facts.now);
    row["vendor"] = name;
    row["paused"] = paused_vendors.contains(name);
    vendors.push_back(std::move(row));
  }
  json::object deliveries = overall.to_json(facts.now);
  deliveries["flagged_unconfirmed"] = facts.flagged_unconfirmed;
  deliveries["finished_counted_since"] = domain::format_iso8601_utc(
      facts.now - std::int64_t{pg::finished_window_hours} * 3'600'000'000);

  engine::PacerFacts pacer;
  if (facts.pacer) pacer.stored = engine::state_from_row(*facts.pacer);
  pacer.configured = configured_pacer_;
  pacer.live_grants = facts.pacer_live_grants;
  pacer.sends_started_last_window = facts.sends_started_last_window;
  pacer.pending_sends = facts.unsent_parts;
  const auto pacer_view = engine::describe_pacer(pacer, facts.now);

  json::object body{{"generated_at", domain::format_iso8601_utc(facts.now)},
                    {"deliveries", std::move(deliveries)},
                    {"vendors", std::move(vendors)},
                    {"rates", rates_json(facts.rates)},
                    {"pacer", pacer_json(pacer_view, facts.now)},
                    {"webhooks", webhooks_json(facts)},
                    {"metriport", metriport_json(facts)},
                    {"paused", paused_json(facts.pauses)}};
  co_return json_response(beast_http::status::ok, body, request.version());
}

}  // namespace relay::ops
