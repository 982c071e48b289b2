// GET /ops/api/summary: the relay at a glance for every gateway process sharing the database:
// deliveries by state and priority (overall and per vendor), recent rates, pacer, webhooks,
// Metriport health and pauses. IDs, counts, states and times only: never PHI.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/ops_summary_store.hpp"
#include "gateway/config/config.hpp"
#include "gateway/ops/ops_request.hpp"
#include "gateway/relay/send_pacer.hpp"

namespace relay::ops {

class SummaryEndpoint {
 public:
  SummaryEndpoint(pg::ConnectionPool& pool, const config::Config& config);

  // 200 with the summary; 400 naming a parameter (it takes none).
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::OpsSummaryStore store_;
  pg::SummaryQuery query_;
  engine::PacerState configured_pacer_;
};

}  // namespace relay::ops
