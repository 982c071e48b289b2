// The scrape answer: the text prometheus-cpp serialises, never cached by anything in between.
#include "gateway/ops/metrics_endpoint.hpp"

namespace relay::ops {

boost::asio::awaitable<http::Response> MetricsEndpoint::operator()(OpsRequest& request) {
  http::Response response{beast_http::status::ok, request.version()};
  response.set(beast_http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.set(beast_http::field::cache_control, "no-store");
  response.body() = co_await metrics_.scrape();
  co_return response;
}

}  // namespace relay::ops
