// The API's header-only precheck: refuses, before any body byte is read, requests whose answer the
// header already decides (unknown path with a body, missing or bad bearer token, wrong media type).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/auth/token_signer.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::api {

// The routes' paths after normalised_path.
namespace paths {
inline constexpr std::string_view healthz = "/healthz";  // an alias of livez
inline constexpr std::string_view livez = "/livez";
inline constexpr std::string_view readyz = "/readyz";
inline constexpr std::string_view token = "/token";
inline constexpr std::string_view messages = "/api/outgoingsecuremessages";
inline constexpr std::string_view search = "/api/outgoingsecuremessages/search";
}  // namespace paths

// Lower-cased, without trailing slashes ("/" stays "/"): routes match as ASP.NET matches them.
std::string normalised_path(std::string_view decoded_path);

// The vendor named by a valid, unexpired token in an "Authorization: Bearer <token>" header value
// (scheme case-insensitive), or nullopt.
std::optional<std::int64_t> vendor_from_authorization(std::string_view header,
                                                      const auth::TokenSigner& tokens);

// 400 for a target parse_request_target refuses (GatewayApi::handle's text).
http::Response malformed_target_response(unsigned version);

// 404 in ASP.NET's words, for a path no route serves.
http::Response not_found_response(unsigned version);

// 415 for a POST whose Content-Type is not JSON, XML or a form in UTF-8.
http::Response unsupported_media_type_response(unsigned version);

// The Metriport webhook receiver: no bearer token (Metriport signs the body instead), its own
// body limit. path as configured (webhook_path); matched like every route, case-insensitively.
struct WebhookRoute {
  std::string path = "/webhooks/metriport";
  std::size_t max_body_bytes = 64 * 1024;
  // Called (if set) for each webhook the precheck refuses for having no signature header.
  std::function<void()> on_unsigned;
};

// The precheck for http::Server (no I/O, no database). On the header alone it answers:
// 400 for a malformed target; 404 for an unknown path with a body; 401 for the message routes
// without a valid bearer token, and for the webhook path without a signature header; 415 for a
// POST of messages whose Content-Type is not JSON, XML or application/x-www-form-urlencoded; 413
// for /token with a Content-Length over token_body_limit, and for the webhook path over its
// limit. Otherwise nullopt.
// `tokens` must outlive the returned function.
http::RequestPrecheck make_precheck(const auth::TokenSigner& tokens,
                                    std::size_t token_body_limit = 64 * 1024,
                                    WebhookRoute webhook = {});

// The transport hints of the vendor listener: webhook bodies in the reserved lane (vendor uploads
// and /token share the rest), and /healthz and /livez answered even over the connection cap.
http::TransportHints make_transport_hints(WebhookRoute webhook = {});

}  // namespace relay::api
