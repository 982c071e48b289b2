// SharedPacer: every call is one short transaction (lock the row, apply the pure pacer, store).
// Pacer rows are rebuilt from answers anyway, so these commits skip the WAL flush wait.
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

template <class Change>
boost::asio::awaitable<PacerState> SharedPacer::update(Change change) {
  co_return co_await pool_.run([this, change](pqxx::connection& connection) {
    pqxx::work tx(connection);
    tx.exec0("SET LOCAL synchronous_commit = off");
    const PacerState configured = initial_pacer_state(settings_.sends_per_minute, settings_.window);
    const auto row = pg::DeliveryRepository::lock_pacer(tx, settings_.account, configured.limit,
                                                        configured.window_micros);
    PacerState state = state_from_row(row);
    // A changed configuration (limit or window) starts over from the new values.
    if (row.window_micros != configured.window_micros) state = configured;
    // Sends counted in flight by a process that died are forgotten once they cannot still be open.
    const auto stale =
        std::chrono::duration_cast<std::chrono::microseconds>(settings_.stale_in_flight);
    if (state.in_flight > 0 && row.idle_micros > stale.count()) state.in_flight = 0;
    change(state, domain::now_epoch_micros());
    pg::DeliveryRepository::store_pacer(tx, settings_.account, row_from_state(state));
    tx.commit();
    return state;
  });
}

boost::asio::awaitable<Reservation> SharedPacer::reserve() {
  Reservation reservation;
  co_await update([&reservation](PacerState& state, std::int64_t now) {
    reservation = engine::reserve(state, now);
  });
  co_return reservation;
}

boost::asio::awaitable<void> SharedPacer::answered(std::optional<int> limit,
                                                   std::optional<int> remaining,
                                                   std::optional<std::int64_t> reset_seconds) {
  co_await update([=](PacerState& state, std::int64_t now) {
    on_answer(state, now, limit, remaining, reset_seconds);
  });
}

boost::asio::awaitable<void> SharedPacer::rate_limited(
    std::optional<std::chrono::milliseconds> retry_after) {
  std::optional<std::int64_t> retry_after_micros;
  if (retry_after) retry_after_micros = retry_after->count() * 1000;
  co_await update([=](PacerState& state, std::int64_t now) {
    on_rate_limited(state, now, retry_after_micros);
  });
}

boost::asio::awaitable<void> SharedPacer::unanswered() {
  co_await update([](PacerState& state, std::int64_t now) { on_no_answer(state, now); });
}

boost::asio::awaitable<PacerState> SharedPacer::snapshot() {
  co_return co_await update([](PacerState&, std::int64_t) {});
}

}  // namespace relay::engine
