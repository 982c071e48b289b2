// GET|HEAD /livez and /healthz: the process serves HTTP (no database read, so a database outage
// never restarts healthy gateways; /readyz says whether it can work).
#pragma once

#include <boost/asio/awaitable.hpp>

#include "gateway/api/vendor_router.hpp"

namespace relay::api {

class LivenessEndpoint {
 public:
  // 200 {"status":"ok"}.
  boost::asio::awaitable<http::Response> operator()(VendorRequest& request) const;
};

}  // namespace relay::api
