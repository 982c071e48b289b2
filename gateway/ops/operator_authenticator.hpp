// Who is calling the operations API: the session named by "Authorization: Bearer ops_..." or by
// the session cookie, looked up in PostgreSQL on every request (logout and disabling act at once).
#pragma once

#include <optional>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/operator_store.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::ops {

namespace beast_http = boost::beast::http;

struct OperatorIdentity {
  pg::OperatorSession session;
  bool via_cookie = false;  // state-changing calls made with the cookie need the CSRF header
};

class OperatorAuthenticator {
 public:
  explicit OperatorAuthenticator(pg::OperatorStore& store) : store_(store) {}

  // nullopt when no credential is present, or it names no live session. A vendor token (or any
  // text not shaped like an operator token) never reaches the database.
  boost::asio::awaitable<std::optional<OperatorIdentity>> identify(const http::Request& request);

  // True when the request carries the session's CSRF token (constant-time compare).
  static bool carries_csrf_token(const http::Request& request, const pg::OperatorSession& session);

 private:
  pg::OperatorStore& store_;
};

}  // namespace relay::ops
