// The simulator's front door: routes a request to the Medical API (x-api-key, injected faults,
// latency), the upload URLs or the control API, and sizes the body each may send.
#pragma once

#include <memory>

#include "tests/simulator/http_server.hpp"
#include "tests/simulator/sim_context.hpp"

namespace relay::sim {

inline constexpr std::size_t api_body_limit = 1024 * 1024;          // JSON API calls
inline constexpr std::size_t upload_body_limit = 60 * 1000 * 1000;  // PUT /_upload (files <= 50 MB)

Handler make_request_handler(std::shared_ptr<SimContext> context);
std::size_t body_limit_for(std::string_view target);

}  // namespace relay::sim
