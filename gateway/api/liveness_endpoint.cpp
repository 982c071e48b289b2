// LivenessEndpoint: a constant answer in the listener's JSON form.
#include "gateway/api/liveness_endpoint.hpp"

#include "gateway/api/responses.hpp"

namespace relay::api {

boost::asio::awaitable<http::Response> LivenessEndpoint::operator()(VendorRequest& request) const {
  co_return make_response(beast_http::status::ok, R"({"status":"ok"})", WireFormat::json,
                          request.http.version());
}

}  // namespace relay::api
