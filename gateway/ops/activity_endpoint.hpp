// GET /ops/api/activity: the last hour per minute of intake, sends, completions, failures and 429s
// across every process (from audit events), for the dashboard's chart. Counts only: never PHI.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/ops_summary_store.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class ActivityEndpoint {
 public:
  explicit ActivityEndpoint(pg::ConnectionPool& pool) : store_(pool) {}

  // 200 {"as_of","minute_seconds":60,"series":{"intake":[60 counts, oldest minute first],...}};
  // 400 naming a parameter (it takes none).
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::OpsSummaryStore store_;
};

}  // namespace relay::ops
