// SharedPacer: one short transaction per reservation carrying the answers collected since, plus a
// flush for answers no reservation picked up; a failed store puts its answers back.
#include "gateway/relay/shared_pacer.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

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

void apply_answers(PacerState& state, const std::vector<PacerAnswer>& answers) {
  for (const auto& answer : answers) {
    switch (answer.kind) {
      case PacerAnswer::Kind::answered:
        on_answer(state, answer.at_micros, answer.limit, answer.remaining, answer.reset_seconds);
        break;
      case PacerAnswer::Kind::rate_limited:
        on_rate_limited(state, answer.at_micros, answer.retry_after_micros);
        break;
      case PacerAnswer::Kind::unanswered:
        on_no_answer(state, answer.at_micros);
        break;
    }
  }
}

SharedPacer::SharedPacer(pg::ConnectionPool& pool, PacerSettings settings)
    : store_(pool), settings_(std::move(settings)) {
  const PacerState configured = initial_pacer_state(settings_.sends_per_minute, settings_.window);
  account_.name = settings_.account;
  account_.send_limit = configured.limit;
  account_.window_micros = configured.window_micros;
  account_.stale_grant = settings_.stale_in_flight;
}

void SharedPacer::collect(PacerAnswer answer) {
  answer.at_micros = domain::now_epoch_micros();
  std::lock_guard lock(mutex_);
  answers_.push_back(std::move(answer));
}

boost::asio::awaitable<void> SharedPacer::update(SendSlot* slot) {
  std::vector<PacerAnswer> answers;
  {
    std::lock_guard lock(mutex_);
    answers.swap(answers_);
  }
  if (answers.empty() && slot == nullptr) co_return;
  std::vector<std::int64_t> grants;
  for (const auto& answer : answers) {
    if (answer.grant_id != 0) grants.push_back(answer.grant_id);
  }
  const PacerState configured = initial_pacer_state(settings_.sends_per_minute, settings_.window);
  const pg::PacerDecision decide = [&](pg::PacerRow& row, std::int64_t live) {
    PacerState state = state_from_row(row);
    // A changed configuration (window) starts over from the new values.
    if (row.window_micros != configured.window_micros) state = configured;
    state.in_flight = live;
    apply_answers(state, answers);
    bool granted = false;
    const auto now = domain::now_epoch_micros();
    if (slot != nullptr) {
      const Reservation reservation = engine::reserve(state, now);
      slot->granted = reservation.granted;
      slot->not_before_micros = reservation.not_before_micros;
      granted = reservation.granted;
    }
    const auto last_grant = granted ? now : row.last_grant_micros;
    row = row_from_state(state);
    row.last_grant_micros = last_grant;
    return granted;
  };
  std::exception_ptr failure;  // rethrown as it is, so an outage stays recognisable as one
  try {
    const auto grant = co_await store_.update(account_, grants, decide);
    if (slot != nullptr && grant) slot->grant_id = *grant;
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    // Not stored (the database is away): the answers wait for the next update.
    {
      std::lock_guard lock(mutex_);
      answers_.insert(answers_.begin(), answers.begin(), answers.end());
    }
    std::rethrow_exception(failure);
  }
}

boost::asio::awaitable<SendSlot> SharedPacer::reserve() {
  SendSlot slot;
  co_await update(&slot);
  co_return slot;
}

boost::asio::awaitable<void> SharedPacer::answered(const SendSlot& slot, std::optional<int> limit,
                                                   std::optional<int> remaining,
                                                   std::optional<std::int64_t> reset_seconds) {
  PacerAnswer answer;
  answer.kind = PacerAnswer::Kind::answered;
  answer.grant_id = slot.grant_id;
  if (limit) answer.limit = *limit;
  if (remaining) answer.remaining = *remaining;
  answer.reset_seconds = reset_seconds;
  collect(std::move(answer));
  co_return;
}

boost::asio::awaitable<void> SharedPacer::rate_limited(
    const SendSlot& slot, std::optional<std::chrono::milliseconds> retry_after) {
  PacerAnswer answer;
  answer.kind = PacerAnswer::Kind::rate_limited;
  answer.grant_id = slot.grant_id;
  if (retry_after) answer.retry_after_micros = retry_after->count() * 1000;
  collect(std::move(answer));
  // Every process must stop sending now, not after the next reservation.
  co_await update(nullptr);
}

boost::asio::awaitable<void> SharedPacer::unanswered(const SendSlot& slot) {
  PacerAnswer answer;
  answer.kind = PacerAnswer::Kind::unanswered;
  answer.grant_id = slot.grant_id;
  collect(std::move(answer));
  co_return;
}

boost::asio::awaitable<void> SharedPacer::flush() {
  try {
    co_await update(nullptr);
  } catch (const std::exception&) {
    // Kept for the next update; the relay's own steps report the outage.
  }
}

boost::asio::awaitable<void> SharedPacer::run(const std::atomic<bool>& stopping,
                                              std::function<bool()> workers_done) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    const bool last = stopping && workers_done();
    co_await flush();
    if (last) break;
    timer.expires_after(settings_.answer_flush);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace relay::engine
