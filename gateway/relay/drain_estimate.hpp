// When the current backlog of sends will have gone out at the paced rate: what the queue reports
// to operators ("drains in 12 min"), computed from the shared pacer state without touching it.
#pragma once

#include <chrono>
#include <cstdint>

#include "gateway/relay/send_pacer.hpp"

namespace relay::engine {

struct DrainEstimate {
  std::chrono::seconds duration{0};  // from now until the last pending send is granted, rounded up
  std::int64_t completes_at_micros = 0;  // epoch microseconds of that last grant
};

// pending_sends: Metriport sends not yet made (a split delivery counts each part). Uses the
// remaining allowance of the known window first, then the even schedule (full windows).
DrainEstimate estimate_drain_detail(std::int64_t pending_sends, const PacerState& state,
                                    std::int64_t now_micros);

std::chrono::seconds estimate_drain(std::int64_t pending_sends, const PacerState& state,
                                    std::int64_t now_micros);

}  // namespace relay::engine
