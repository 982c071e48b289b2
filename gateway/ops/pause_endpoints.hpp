// POST /ops/api/pause and /ops/api/resume (operator), optional JSON {"vendor": NAME}: relaying
// paused for everyone or one vendor, in the database so every process honours it; GET
// /ops/api/pauses (viewer) lists the pauses in force.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/relay_pause_store.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

class PauseEndpoint {
 public:
  // pausing: true for /pause, false for /resume.
  PauseEndpoint(pg::RelayPauseStore& store, bool pausing) : store_(store), pausing_(pausing) {}

  // 200 {"scope":"global"|"vendor","vendor":NAME|null,"paused":bool,"changed":bool} (changed
  // false: it was already so); 400 naming the field for a malformed body, 415 for a body that is
  // not JSON, 404 naming vendor for an unknown vendor.
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::RelayPauseStore& store_;
  bool pausing_;
};

class PauseListEndpoint {
 public:
  explicit PauseListEndpoint(pg::RelayPauseStore& store) : store_(store) {}

  // 200 {"pauses":[{"scope","vendor","paused_by","paused_at"}]}.
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::RelayPauseStore& store_;
};

}  // namespace relay::ops
