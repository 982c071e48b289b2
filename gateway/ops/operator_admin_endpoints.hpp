// The admin's operator management on the operations listener: list, add (the generated password
// answered once), disable, enable and reset-password; each change audited with the admin as actor.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/operator_store.hpp"
#include "gateway/auth/hashing_pool.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/ops/ops_request.hpp"

namespace relay::ops {

// GET /ops/api/operators: 200 {"operators":[{"id","name","role","state","created_at"}]}.
class OperatorListEndpoint {
 public:
  explicit OperatorListEndpoint(pg::OperatorStore& store) : store_(store) {}
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::OperatorStore& store_;
};

// POST /ops/api/operators with JSON {"name","role"}: 201 {"id","name","role","password"} (the
// password only in this answer); 400 naming name or role, 409 when the name is taken, 503 when
// the hashing queue is full.
class OperatorAddEndpoint {
 public:
  OperatorAddEndpoint(pg::OperatorStore& store, auth::HashingPool& hashing)
      : store_(store), hashing_(hashing) {}
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::OperatorStore& store_;
  auth::HashingPool& hashing_;
};

enum class OperatorChange { disable, enable, reset_password };

// POST /ops/api/operators/{name}/disable|enable|reset-password: 200 {"name","state"} for disable
// and enable (disabling ends the operator's sessions), {"name","password"} for a reset; 404 naming
// name for no such operator; 409 for an admin disabling or resetting their own account (which would
// end the session making the call).
class OperatorChangeEndpoint {
 public:
  OperatorChangeEndpoint(pg::OperatorStore& store, auth::HashingPool& hashing,
                         OperatorChange change)
      : store_(store), hashing_(hashing), change_(change) {}
  boost::asio::awaitable<http::Response> operator()(OpsRequest& request);

 private:
  pg::OperatorStore& store_;
  auth::HashingPool& hashing_;
  OperatorChange change_;
};

}  // namespace relay::ops
