// The read API's routes (issue 9 part 3): summary, messages, webhooks, rejections and audit, all
// for any logged-in operator (viewer and up); PHI only through an admin's audited reveal.
#pragma once

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/config/config.hpp"
#include "gateway/ops/ops_router.hpp"

namespace relay::ops {

// Adds the read routes to the table (literal paths before patterns that could match them).
void add_read_routes(OpsRouter& router, pg::ConnectionPool& pool, const config::Config& config);

}  // namespace relay::ops
