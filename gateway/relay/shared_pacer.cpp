// SharedPacer: one short transaction per block of slots carrying the answers collected since, plus
// a flush for answers no block picked up and slots no worker used; a failed store puts answers
// back.
#include "gateway/relay/shared_pacer.hpp"

#include <algorithm>

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

void SharedPacer::expire_slots(bool everything) {
  const auto now = domain::now_epoch_micros();
  std::lock_guard lock(mutex_);
  auto kept = slots_.begin();
  bool unused = false;
  for (auto& slot : slots_) {
    if (everything || slot.usable_until_micros <= now) {
      unused = true;
      PacerAnswer answer;
      answer.kind = PacerAnswer::Kind::unanswered;
      answer.grant_id = slot.grant_id;
      answer.at_micros = now;
      answers_.push_back(answer);
    } else {
      *kept++ = slot;
    }
  }
  slots_.erase(kept, slots_.end());
  if (unused) slots_expired_ = true;
}

std::optional<SendSlot> SharedPacer::take_local_slot() {
  expire_slots(false);
  std::lock_guard lock(mutex_);
  if (slots_.empty()) return std::nullopt;
  SendSlot slot = slots_.front();
  slots_.erase(slots_.begin());
  return slot;
}

boost::asio::awaitable<std::vector<SendSlot>> SharedPacer::update(int count,
                                                                  std::int64_t* not_before) {
  std::vector<PacerAnswer> answers;
  {
    std::lock_guard lock(mutex_);
    answers.swap(answers_);
  }
  std::vector<SendSlot> slots;
  if (answers.empty() && count == 0) co_return slots;
  std::vector<std::int64_t> grants;
  for (const auto& answer : answers) {
    if (answer.grant_id != 0) grants.push_back(answer.grant_id);
  }
  const PacerState configured = initial_pacer_state(settings_.sends_per_minute, settings_.window);
  const std::int64_t horizon = std::chrono::microseconds(settings_.block_horizon).count();
  BlockReservation block;
  std::int64_t grace = 0;
  const pg::PacerDecision decide = [&](pg::PacerRow& row, std::int64_t live) {
    PacerState state = state_from_row(row);
    // A changed configuration (window) starts over from the new values.
    if (row.window_micros != configured.window_micros) state = configured;
    state.in_flight = live;
    apply_answers(state, answers);
    block = BlockReservation{};
    if (count > 0) block = reserve_block(state, domain::now_epoch_micros(), count, horizon);
    grace = slot_grace_micros(state);
    const auto last_grant =
        block.slot_times.empty() ? row.last_grant_micros : block.slot_times.back();
    row = row_from_state(state);
    row.last_grant_micros = last_grant;
    return static_cast<int>(block.slot_times.size());
  };
  std::exception_ptr failure;  // rethrown as it is, so an outage stays recognisable as one
  std::vector<std::int64_t> ids;
  try {
    ids = co_await store_.update(account_, grants, decide);
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
  for (std::size_t i = 0; i < ids.size() && i < block.slot_times.size(); ++i) {
    slots.push_back({true, block.slot_times[i], block.slot_times[i] + grace, ids[i]});
  }
  if (not_before != nullptr) *not_before = block.not_before_micros;
  co_return slots;
}

boost::asio::awaitable<SendSlot> SharedPacer::reserve() {
  struct Asking {
    std::atomic<int>& count;
    explicit Asking(std::atomic<int>& c) : count(c) { ++count; }
    ~Asking() { --count; }
  } asking(asking_);
  SendSlot slot;
  if (auto local = take_local_slot()) {
    slot = *local;
    co_return slot;
  }
  // Another worker of this process is taking a block: ask again in a moment.
  if (refilling_.exchange(true)) {
    slot.not_before_micros = domain::now_epoch_micros() + 2'000;
    co_return slot;
  }
  struct Refill {
    std::atomic<bool>& flag;
    ~Refill() { flag = false; }
  } refill{refilling_};
  // The last block used up: the next may be twice as large; a slot of it unused: half.
  const int most = std::max(1, settings_.max_block);
  const int size = slots_expired_.exchange(false) ? block_size_.load() / 2 : block_size_.load() * 2;
  block_size_ = std::clamp(size, 1, most);
  const int count = std::clamp(std::max(asking_.load(), block_size_.load()), 1, most);
  std::int64_t not_before = 0;
  auto block = co_await update(count, &not_before);
  if (block.empty()) {
    slot.not_before_micros = not_before;
    co_return slot;
  }
  slot = block.front();
  if (block.size() > 1) {
    std::lock_guard lock(mutex_);
    slots_.insert(slots_.end(), block.begin() + 1, block.end());
  }
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
  // This process's unused slots go (the block is over), and every process must stop sending
  // now, not after the next reservation.
  expire_slots(true);
  co_await update(0, nullptr);
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
    co_await update(0, nullptr);
  } catch (const std::exception&) {
    // Kept for the next update; the relay's own steps report the outage.
  }
}

boost::asio::awaitable<void> SharedPacer::run(const std::atomic<bool>& stopping,
                                              std::function<bool()> workers_done) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (;;) {
    const bool last = stopping && workers_done();
    expire_slots(last);
    co_await flush();
    if (last) break;
    timer.expires_after(settings_.answer_flush);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace relay::engine
