// Serves the embedded dashboard files. The page itself holds no data: everything it shows comes
// from /ops/api with the operator's session, so these answers can be cached and revalidated.
#include "gateway/ops/dashboard_endpoint.hpp"

#include "gateway/ops/dashboard_assets.hpp"
#include "gateway/ops/ops_responses.hpp"

namespace relay::ops {
namespace {

const DashboardAsset* find_asset(std::string_view name) {
  for (const auto& asset : dashboard_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

void set_security_headers(http::Response& response) {
  response.set("Content-Security-Policy", dashboard_content_security_policy);
  response.set("X-Frame-Options", "DENY");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
  response.set("Cross-Origin-Resource-Policy", "same-origin");
  response.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

}  // namespace

boost::asio::awaitable<http::Response> serve_dashboard(OpsRequest& request) {
  const unsigned version = request.version();
  const std::string_view name =
      request.path_params.empty() ? std::string_view("index.html") : request.path_params.front();
  const auto* asset = find_asset(name);
  if (asset == nullptr) {
    co_return error_response(beast_http::status::not_found, "not_found",
                             "The dashboard has no such file.", version);
  }
  http::Response response{beast_http::status::ok, version};
  set_security_headers(response);
  response.set(beast_http::field::etag, asset->etag);
  response.set(beast_http::field::cache_control, "no-cache");
  if (request.http[beast_http::field::if_none_match] == asset->etag) {
    response.result(beast_http::status::not_modified);
    co_return response;
  }
  response.set(beast_http::field::content_type, asset->content_type);
  response.body() = std::string(asset->body);
  response.prepare_payload();
  co_return response;
}

}  // namespace relay::ops
