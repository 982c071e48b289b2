// Request properties the transport and the classification share.
// Kept apart so the pure classification needs no transport code.
#include "adapters/metriport/http_exchange.hpp"

namespace relay::metriport {

bool is_idempotent(boost::beast::http::verb method) {
  using boost::beast::http::verb;
  switch (method) {
    case verb::get:
    case verb::head:
    case verb::put:
    case verb::delete_:
    case verb::options:
    case verb::trace:
      return true;
    default:
      return false;
  }
}

}  // namespace relay::metriport
