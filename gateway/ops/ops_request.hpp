// What an operations endpoint gets: the HTTP request, its parsed target and path parameters, and
// the operator whose session authenticated it (none on public routes such as login and probes).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/postgres/operator_store.hpp"
#include "gateway/api/request_target.hpp"
#include "gateway/http/http_types.hpp"
#include "gateway/ops/operator_role.hpp"

namespace relay::ops {

namespace beast_http = boost::beast::http;

struct OpsRequest {
  http::Request& http;
  api::RequestTarget target;
  std::vector<std::string> path_params;  // the {..} segments of the route's pattern, in order
  std::optional<pg::OperatorSession> session;
  Role role = Role::viewer;

  unsigned version() const { return http.version(); }
  // "operator:<name>": the actor of audit events this request writes.
  std::string actor() const { return session ? "operator:" + session->operator_name : "anonymous"; }
};

}  // namespace relay::ops
