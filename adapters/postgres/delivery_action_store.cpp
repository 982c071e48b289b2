// SQL of operator actions on deliveries. Rows are locked in id order (two concurrent bulk actions
// cannot deadlock) and only in states the move is legal from, so a delivery a worker holds is never
// waited for or touched; each row's change is guarded by its state like every relay transition.
#include "adapters/postgres/delivery_action_store.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "adapters/postgres/array_literal.hpp"
#include "adapters/postgres/delivery_filter_sql.hpp"
#include "adapters/postgres/delivery_repository.hpp"
#include "adapters/postgres/message_repository.hpp"

namespace relay::pg {
namespace {

// $8: the movable states (text[]).
constexpr const char* delivery_action_count =
    "SELECT count(*), count(*) FILTER (WHERE d.state = ANY($8::text[]))";
constexpr const char* delivery_action_lock_columns = "SELECT d.id, d.state, d.attempts";
constexpr const char* delivery_action_lock_order =
    " AND d.state = ANY($8::text[]) ORDER BY d.id FOR UPDATE OF d";

constexpr const char* delivery_action_one =
    "SELECT id, state, attempts FROM deliveries WHERE id = $1";
constexpr const char* delivery_action_lock_one =
    "SELECT id, state, attempts FROM deliveries WHERE id = $1 FOR UPDATE";
constexpr const char* delivery_state_of = "SELECT state FROM deliveries WHERE id = $1";

const std::string& count_sql() {
  static const std::string sql = std::string(delivery_action_count) + delivery_filter_from_where;
  return sql;
}

const std::string& lock_sql() {
  static const std::string sql = std::string(delivery_action_lock_columns) +
                                 delivery_filter_from_where + delivery_action_lock_order;
  return sql;
}

LockedDelivery locked_from(const pqxx::row& row) {
  return {row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<int>()};
}

bool is_movable(const DeliveryActionRequest& request, const std::string& state) {
  return std::find(request.movable_states.begin(), request.movable_states.end(), state) !=
         request.movable_states.end();
}

// The call's audit event: who (actor), what (action, filter or id), how many rows.
void audit_call(pqxx::work& tx, const DeliveryActionRequest& request,
                const DeliveryActionResult& result) {
  boost::json::object detail{{"action", request.action},
                             {"matched", result.matched},
                             {"changed", result.changed},
                             {"skipped", result.matched - result.changed}};
  std::string entity_type = "delivery";
  std::string entity_id;
  if (request.delivery_id) {
    entity_id = std::to_string(*request.delivery_id);
    detail["delivery_id"] = *request.delivery_id;
  } else {
    entity_type = "deliveries";
    entity_id = "filter";
    boost::json::object filter;
    for (const auto& [name, value] : request.filter->describe()) filter[name] = value;
    detail["filter"] = std::move(filter);
    detail["cap"] = request.cap;
  }
  append_audit_event(tx, {request.actor, entity_type, entity_id, "deliveries." + request.action,
                          boost::json::serialize(detail)});
}

std::int64_t apply_all(pqxx::work& tx, const pqxx::result& locked, const PlanDeliveryChange& plan) {
  std::int64_t changed = 0;
  for (const auto& row : locked) {
    const auto change = plan(locked_from(row));
    if (change && DeliveryRepository::apply(tx, *change)) ++changed;
  }
  return changed;
}

DeliveryActionResult act_on_one(pqxx::work& tx, const DeliveryActionRequest& request,
                                const PlanDeliveryChange& plan) {
  DeliveryActionResult result;
  const auto id = *request.delivery_id;
  const auto found =
      tx.exec_params(request.dry_run ? delivery_action_one : delivery_action_lock_one, id);
  if (found.empty()) {
    result.found = false;
    return result;
  }
  const LockedDelivery delivery = locked_from(found[0]);
  result.matched = 1;
  result.would_change = is_movable(request, delivery.state) ? 1 : 0;
  result.state = delivery.state;
  if (request.dry_run) return result;
  result.changed = apply_all(tx, found, plan);
  result.state = tx.exec_params1(delivery_state_of, id)[0].as<std::string>();
  return result;
}

DeliveryActionResult act_on_filter(pqxx::work& tx, const DeliveryActionRequest& request,
                                   const PlanDeliveryChange& plan) {
  DeliveryActionResult result;
  const DeliveryFilterParams params = filter_params(*request.filter);
  const std::string movable = text_array_literal(request.movable_states);
  const auto counted = exec_filtered(tx, count_sql(), params, movable)[0];
  result.matched = counted[0].as<std::int64_t>();
  result.would_change = counted[1].as<std::int64_t>();
  if (request.dry_run) return result;
  if (result.matched > request.cap) {
    result.over_cap = true;
    return result;
  }
  result.changed = apply_all(tx, exec_filtered(tx, lock_sql(), params, movable), plan);
  // Rows that became movable between the count and the lock (READ COMMITTED) still count.
  result.matched = std::max(result.matched, result.changed);
  return result;
}

}  // namespace

boost::asio::awaitable<DeliveryActionResult> DeliveryActionStore::act(
    const DeliveryActionRequest& request, const PlanDeliveryChange& plan) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    DeliveryActionResult result =
        request.delivery_id ? act_on_one(tx, request, plan) : act_on_filter(tx, request, plan);
    if (!result.found || result.over_cap || request.dry_run) return result;
    audit_call(tx, request, result);
    tx.commit();
    if (request.wake_relay && result.changed > 0) notify_relay(connection, "operator");
    return result;
  });
}

}  // namespace relay::pg
