// The simulator's control API under /_sim (no API key): settings, reset, what was received,
// counters, and manual message status changes for webhook tests.
#pragma once

#include <memory>

#include "tests/simulator/http_server.hpp"
#include "tests/simulator/request_target.hpp"
#include "tests/simulator/sim_context.hpp"

namespace relay::sim {

// Takes the state mutex itself. Unknown /_sim paths answer 404.
Response handle_control(const std::shared_ptr<SimContext>& context, const RequestTarget& target,
                        const Request& request);

}  // namespace relay::sim
