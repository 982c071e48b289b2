// The send pacer shared by every gateway process: the pure pacer's state lives in one PostgreSQL
// row (relay_pacer); a process takes its next slots in blocks and its answers ride along.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_records.hpp"
#include "adapters/postgres/pacer_store.hpp"
#include "gateway/relay/send_pacer.hpp"

namespace relay::engine {

struct PacerSettings {
  int sends_per_minute = 20;        // METRIPORT_SENDS_PER_MINUTE
  std::chrono::seconds window{60};  // Metriport's fixed window
  // No send can still be open after this (the request timeout plus a margin): older grants a dead
  // process never answered stop counting as in flight.
  std::chrono::seconds stale_in_flight{120};
  std::string account = "metriport";
  // Answers not carried by a reservation are stored at most this late.
  std::chrono::milliseconds answer_flush{20};
  // A block holds at most this many slots (as many as this process used of its last block, times
  // two), none further ahead than block_horizon: at the default 20 sends a minute (3 s apart) a
  // block is one slot, as before.
  int max_block = 16;
  std::chrono::milliseconds block_horizon{50};
};

// The pure pacer's state and its stored row, field by field.
PacerState state_from_row(const pg::PacerRow& row);
pg::PacerRow row_from_state(const PacerState& state);

// A granted send slot: answer it exactly once (answered, rate_limited or unanswered).
struct SendSlot {
  bool granted = false;
  // Granted: the slot's time (send from then, until usable_until); refused: when to ask again.
  std::int64_t not_before_micros = 0;
  std::int64_t usable_until_micros = 0;
  std::int64_t grant_id = 0;
};

// How one granted send ended, applied to the pure pacer with the time it ended.
struct PacerAnswer {
  enum class Kind { answered, rate_limited, unanswered };
  Kind kind = Kind::unanswered;
  std::int64_t grant_id = 0;
  std::int64_t at_micros = 0;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> reset_seconds;
  std::optional<std::int64_t> retry_after_micros;
};

// Applies answers in order, each at its own time (a header's window end is measured from when the
// answer came, not from when it is stored).
void apply_answers(PacerState& state, const std::vector<PacerAnswer>& answers);

class SharedPacer {
 public:
  SharedPacer(pg::ConnectionPool& pool, PacerSettings settings);

  // Takes a send slot of this process's block, or a new block when the pacer allows one now (one
  // worker at a time asks, for as many slots as workers are asking); otherwise says when to ask
  // again. A block's transaction stores the answers collected since the last one.
  boost::asio::awaitable<SendSlot> reserve();
  // The send's answer: RateLimit-* headers adapt the pacer (limit, remaining, reset seconds).
  // Collected; stored with the next reservation or by run() within answer_flush.
  boost::asio::awaitable<void> answered(const SendSlot& slot, std::optional<int> limit,
                                        std::optional<int> remaining,
                                        std::optional<std::int64_t> reset_seconds);
  // A 429: no send until Retry-After (or the window's end when absent). Stored at once.
  boost::asio::awaitable<void> rate_limited(const SendSlot& slot,
                                            std::optional<std::chrono::milliseconds> retry_after);
  // The send got no answer (network failure, ambiguous outcome) or was never made. Collected.
  boost::asio::awaitable<void> unanswered(const SendSlot& slot);

  // Stores collected answers every answer_flush; returns once stopping is set and workers_done()
  // says no worker can answer any more, after a last store.
  boost::asio::awaitable<void> run(const std::atomic<bool>& stopping,
                                   std::function<bool()> workers_done);

 private:
  void collect(PacerAnswer answer);
  // Slots of the block whose time has passed unused, answered as unanswered (all when everything).
  void expire_slots(bool everything);
  std::optional<SendSlot> take_local_slot();
  // One transaction: the collected answers, then a block of up to `count` slots (0: none).
  boost::asio::awaitable<std::vector<SendSlot>> update(int count, std::int64_t* not_before);
  boost::asio::awaitable<void> flush();

  pg::PacerStore store_;
  PacerSettings settings_;
  pg::PacerAccount account_;
  std::mutex mutex_;
  std::vector<PacerAnswer> answers_;
  std::vector<SendSlot> slots_;         // this process's block, in time order
  std::atomic<bool> refilling_{false};  // a worker is taking a new block
  std::atomic<int> asking_{0};          // workers inside reserve()
  // The next block's size: doubled when a block was used up, halved when a slot went unused.
  std::atomic<int> block_size_{1};
  std::atomic<bool> slots_expired_{false};
};

}  // namespace relay::engine
