// What the shared send pacer looks like to an operator right now (limit, sends used in the
// window, next free slot, 429 block, drain estimate), computed from its stored state, never
// changed.
#pragma once

#include <cstdint>
#include <optional>

#include "gateway/relay/drain_estimate.hpp"
#include "gateway/relay/send_pacer.hpp"

namespace relay::engine {

struct PacerFacts {
  std::optional<PacerState> stored;  // the relay_pacer row; none before the first send
  PacerState configured;             // METRIPORT_SENDS_PER_MINUTE and the window
  std::int64_t live_grants = 0;      // relay_pacer_grants: sends granted and not answered yet
  // Sends started (audit delivery.send_started) during the last window length: how much of the
  // window was used when Metriport's RateLimit headers have not told us.
  std::int64_t sends_started_last_window = 0;
  std::int64_t pending_sends = 0;  // Metriport sends still to make (queued and in-flight work)
};

enum class UsageSource { metriport_headers, sends_started_last_window };

struct PacerView {
  std::int64_t limit = 0;
  std::int64_t window_micros = 0;
  std::int64_t used_this_window = 0;
  UsageSource used_source = UsageSource::sends_started_last_window;
  std::optional<std::int64_t> window_ends_at_micros;  // known from RateLimit-Reset
  std::int64_t in_flight = 0;
  std::int64_t next_free_slot_micros = 0;            // now when a send could start at once
  std::optional<std::int64_t> blocked_until_micros;  // after a 429, while it lasts
  std::int64_t pending_sends = 0;
  DrainEstimate drain;
};

// The pacer as the relay would see it at now_micros: a stored state whose window no longer matches
// the configuration is replaced by the configuration, as SharedPacer does on its next call.
PacerView describe_pacer(const PacerFacts& facts, std::int64_t now_micros);

}  // namespace relay::engine
