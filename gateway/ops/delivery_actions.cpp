// Operator actions through the delivery state machine: the legal source states are read off the
// table (never listed by hand), and each locked row gets the transition next() gives it, with the
// relay's usual per-delivery audit event (actor, from, to).
#include "gateway/ops/delivery_actions.hpp"

#include "gateway/relay/delivery_change.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/delivery_state_machine.hpp"

namespace relay::ops {
namespace {

engine::DeliveryEvent event_of(DeliveryAction action) {
  return action == DeliveryAction::retry ? engine::DeliveryEvent::operator_retry
                                         : engine::DeliveryEvent::operator_cancel;
}

// The states from which the state machine allows the operator's event.
std::vector<std::string> movable_states(engine::DeliveryEvent event) {
  std::vector<std::string> states;
  for (const auto state : engine::all_delivery_states) {
    if (engine::next(state, event, {}).allowed) states.emplace_back(engine::to_text(state));
  }
  return states;
}

std::optional<pg::DeliveryChange> plan_change(engine::DeliveryEvent event, const std::string& actor,
                                              const pg::LockedDelivery& delivery) {
  const auto from = engine::parse_delivery_state(delivery.state);
  if (!from) return std::nullopt;
  const engine::Transition transition = engine::next(*from, event, {delivery.attempts});
  if (!transition.allowed) return std::nullopt;
  engine::ChangeContext context;
  context.delivery_id = delivery.id;
  context.from = *from;
  context.attempts = delivery.attempts;
  context.actor = actor;
  context.audit_reason = std::string(engine::to_text(event));
  auto change = engine::build_change(transition, context);
  return change;
}

}  // namespace

std::optional<DeliveryAction> parse_delivery_action(std::string_view text) {
  if (text == "retry") return DeliveryAction::retry;
  if (text == "cancel") return DeliveryAction::cancel;
  return std::nullopt;
}

std::string_view action_name(DeliveryAction action) {
  return action == DeliveryAction::retry ? "retry" : "cancel";
}

boost::asio::awaitable<pg::DeliveryActionResult> DeliveryActions::by_filter(
    DeliveryAction action, const domain::ops::DeliveryFilter& filter, bool dry_run,
    const std::string& actor) {
  pg::DeliveryActionRequest request;
  request.filter = filter;
  request.dry_run = dry_run;
  request.actor = actor;
  co_return co_await run(request, action);
}

boost::asio::awaitable<pg::DeliveryActionResult> DeliveryActions::by_id(DeliveryAction action,
                                                                        std::int64_t delivery_id,
                                                                        bool dry_run,
                                                                        const std::string& actor) {
  pg::DeliveryActionRequest request;
  request.delivery_id = delivery_id;
  request.dry_run = dry_run;
  request.actor = actor;
  co_return co_await run(request, action);
}

boost::asio::awaitable<pg::DeliveryActionResult> DeliveryActions::run(
    pg::DeliveryActionRequest& request, DeliveryAction action) {
  const engine::DeliveryEvent event = event_of(action);
  request.action = std::string(action_name(action));
  request.movable_states = movable_states(event);
  request.cap = cap_;
  request.wake_relay = action == DeliveryAction::retry;
  const std::string actor = request.actor;
  const pg::PlanDeliveryChange plan = [event, actor](const pg::LockedDelivery& delivery) {
    return plan_change(event, actor, delivery);
  };
  co_return co_await store_.act(request, plan);
}

}  // namespace relay::ops
