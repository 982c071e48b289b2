// SharedPacer: every call is one short transaction (lock the row, count live grants, apply the pure
// pacer, store). Pacer rows are rebuilt from answers anyway, so these commits skip the WAL flush.
#include "gateway/relay/shared_pacer.hpp"

#include "adapters/postgres/delivery_repository.hpp"
#include "gateway/domain/timestamps.hpp"

namespace relay::engine {

PacerState state_from_row(const pg::PacerRow& row) {
  PacerState state;
  state.limit = row.send_limit;
  state.window_micros = row.window_micros;
  state.next_even_slot = row.next_even_slot;
  state.known_window_end = row.known_window_end;
  state.remaining_in_known_window = row.remaining_in_known_window;
  state.blocked_until = row.blocked_until;
  state.in_flight = row.in_flight;
  return state;
}

pg::PacerRow row_from_state(const PacerState& state) {
  pg::PacerRow row;
  row.send_limit = state.limit;
  row.window_micros = state.window_micros;
  row.next_even_slot = state.next_even_slot;
  row.known_window_end = state.known_window_end;
  row.remaining_in_known_window = state.remaining_in_known_window;
  row.blocked_until = state.blocked_until;
  row.in_flight = state.in_flight;
  return row;
}

SharedPacer::SharedPacer(pg::ConnectionPool& pool, PacerSettings settings)
    : pool_(pool), settings_(std::move(settings)) {}

// change(state, now) returns true when it granted a slot; answered_grant (0: none) is removed.
template <class Change>
boost::asio::awaitable<void> SharedPacer::update(std::int64_t answered_grant, Change change) {
  co_await pool_.run([this, answered_grant, &change](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec0("SET LOCAL synchronous_commit = off");
    const PacerState configured = initial_pacer_state(settings_.sends_per_minute, settings_.window);
    const auto row = pg::DeliveryRepository::lock_pacer(tx, settings_.account, configured.limit,
                                                        configured.window_micros);
    PacerState state = state_from_row(row);
    // A changed configuration (limit or window) starts over from the new values.
    if (row.window_micros != configured.window_micros) state = configured;
    const auto now = domain::now_epoch_micros();
    // In flight: the grants not answered yet, counted before this call's own answer is removed,
    // so the pure pacer's own decrement applies to exactly this send.
    state.in_flight =
        pg::DeliveryRepository::live_pacer_grants(tx, settings_.account, settings_.stale_in_flight);
    if (answered_grant != 0) pg::DeliveryRepository::remove_pacer_grant(tx, answered_grant);
    auto stored = row;
    if (change(state, now, tx)) stored.last_grant_micros = now;
    const auto last_grant = stored.last_grant_micros;
    stored = row_from_state(state);
    stored.last_grant_micros = last_grant;
    pg::DeliveryRepository::store_pacer(tx, settings_.account, stored);
    tx.commit();
  });
}

boost::asio::awaitable<SendSlot> SharedPacer::reserve() {
  SendSlot slot;
  co_await update(0, [this, &slot](PacerState& state, std::int64_t now, pqxx::work& tx) {
    const Reservation reservation = engine::reserve(state, now);
    slot.granted = reservation.granted;
    slot.not_before_micros = reservation.not_before_micros;
    if (reservation.granted) {
      slot.grant_id = pg::DeliveryRepository::add_pacer_grant(tx, settings_.account);
    }
    return reservation.granted;
  });
  co_return slot;
}

boost::asio::awaitable<void> SharedPacer::answered(const SendSlot& slot, std::optional<int> limit,
                                                   std::optional<int> remaining,
                                                   std::optional<std::int64_t> reset_seconds) {
  co_await update(slot.grant_id, [&](PacerState& state, std::int64_t now, pqxx::work&) {
    on_answer(state, now, limit, remaining, reset_seconds);
    return false;
  });
}

boost::asio::awaitable<void> SharedPacer::rate_limited(
    const SendSlot& slot, std::optional<std::chrono::milliseconds> retry_after) {
  std::optional<std::int64_t> retry_after_micros;
  if (retry_after) retry_after_micros = retry_after->count() * 1000;
  co_await update(slot.grant_id, [&](PacerState& state, std::int64_t now, pqxx::work&) {
    on_rate_limited(state, now, retry_after_micros);
    return false;
  });
}

boost::asio::awaitable<void> SharedPacer::unanswered(const SendSlot& slot) {
  co_await update(slot.grant_id, [](PacerState& state, std::int64_t now, pqxx::work&) {
    on_no_answer(state, now);
    return false;
  });
}

}  // namespace relay::engine
