// Decisions the header alone allows, in the order GatewayApi::route makes them, so a refused
// request gets the answer it would have got after its body was read, without the body being read.
#include "gateway/api/request_precheck.hpp"

#include <charconv>
#include <chrono>

#include "gateway/api/request_target.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/api/wire_format.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/log/log.hpp"

namespace relay::api {
namespace {

struct DeclaredBody {
  bool present = false;                 // Content-Length above 0, or any Transfer-Encoding
  std::optional<std::uint64_t> length;  // the Content-Length, when given and valid
};

DeclaredBody declared_body(const http::RequestHeader& header) {
  DeclaredBody body;
  // A request with a Transfer-Encoding has a body (the parser accepts only a final "chunked").
  if (header.find(beast_http::field::transfer_encoding) != header.end()) body.present = true;
  const auto length_field = header.find(beast_http::field::content_length);
  if (length_field == header.end()) return body;
  const std::string_view text = length_field->value();
  std::uint64_t length = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (error != std::errc() || end != text.data() + text.size()) {
    body.present = true;  // the parser rejects this; if it did not, assume a body
    return body;
  }
  body.length = length;
  if (length > 0) body.present = true;
  return body;
}

constexpr std::string_view webhook_signature_header = "x-metriport-signature";

}  // namespace

std::string normalised_path(std::string_view decoded_path) {
  std::string lower = domain::to_lower_ascii(decoded_path);
  while (lower.size() > 1 && lower.back() == '/') lower.pop_back();
  return lower;
}

std::optional<std::int64_t> vendor_from_authorization(std::string_view header,
                                                      const auth::TokenSigner& tokens) {
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size() || !domain::iequals(header.substr(0, scheme.size()), scheme)) {
    return std::nullopt;
  }
  auto token = header.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  const auto claims = tokens.verify(token, std::chrono::system_clock::now());
  if (!claims) return std::nullopt;
  return claims->vendor_id;
}

http::Response malformed_target_response(unsigned version) {
  return error_response(domain::RequestError::plain(domain::ErrorKind::bad_request,
                                                    "The request URI is malformed, or a part of it "
                                                    "is not UTF-8 text without NUL characters."),
                        WireFormat::json, version);
}

http::Response not_found_response(unsigned version) {
  return make_response(beast_http::status::not_found,
                       R"({"message":"No HTTP resource was found that matches the request URI."})",
                       WireFormat::json, version);
}

http::Response unsupported_media_type_response(unsigned version) {
  return error_response(
      domain::RequestError::plain(
          domain::ErrorKind::unsupported_media_type,
          "The request's Content-Type must be application/json, text/json, application/xml, "
          "text/xml or application/x-www-form-urlencoded, in UTF-8."),
      WireFormat::json, version);
}

http::RequestPrecheck make_precheck(const auth::TokenSigner& tokens, std::size_t token_body_limit,
                                    WebhookRoute webhook) {
  webhook.path = normalised_path(webhook.path);
  return [&tokens, token_body_limit,
          webhook](const http::RequestHeader& header) -> std::optional<http::Response> {
    const unsigned version = header.version();
    const auto target = parse_request_target(header.target());
    if (!target) return malformed_target_response(version);
    const std::string path = normalised_path(target->path);
    const DeclaredBody body = declared_body(header);

    if (path == paths::healthz || path == paths::livez || path == paths::readyz) {
      if (body.present) {
        return transport_error_response(beast_http::status::payload_too_large,
                                        "health checks take no request body", version);
      }
      return std::nullopt;
    }
    if (path == paths::token) {
      if (body.present && !body.length) {
        // A chunked form could grow to the server's body limit: forms come with a length.
        return transport_error_response(beast_http::status::length_required,
                                        "the token request needs a Content-Length", version);
      }
      if (body.length && *body.length > token_body_limit) {
        return transport_error_response(beast_http::status::payload_too_large,
                                        "request body too large", version);
      }
      return std::nullopt;
    }
    if (path == webhook.path) {
      if (body.present && !body.length) {
        // Metriport sends a length; a chunked body would be read before its size is known.
        return transport_error_response(beast_http::status::length_required,
                                        "a webhook needs a Content-Length", version);
      }
      if (body.length && *body.length > webhook.max_body_bytes) {
        return transport_error_response(beast_http::status::payload_too_large,
                                        "request body too large", version);
      }
      // Unsigned senders never get to send a body into the webhooks' share of memory.
      if (header.method() == beast_http::verb::post &&
          header.find(webhook_signature_header) == header.end()) {
        log::warn("webhook.refused", {{"reason", "no signature"}});
        if (webhook.on_unsigned) webhook.on_unsigned();
        http::Response refused{beast_http::status::unauthorized, version};
        refused.prepare_payload();
        return refused;
      }
      return std::nullopt;  // the signature over the body is its authentication
    }
    if (path != paths::messages && path != paths::search) {
      if (body.present) return not_found_response(version);
      return std::nullopt;
    }

    const auto authorization = header.find(beast_http::field::authorization);
    if (authorization == header.end() ||
        !vendor_from_authorization(authorization->value(), tokens)) {
      return unauthorized_response(version, authorization != header.end());
    }
    if (path == paths::messages && header.method() == beast_http::verb::post) {
      if (!is_message_body_type(classify_content_type(header[beast_http::field::content_type]))) {
        return unsupported_media_type_response(version);
      }
    }
    return std::nullopt;
  };
}

http::TransportHints make_transport_hints(WebhookRoute webhook) {
  http::TransportHints hints;
  hints.lane_of = [path = normalised_path(webhook.path)](const http::RequestHeader& header) {
    const auto target = parse_request_target(header.target());
    if (target && normalised_path(target->path) == path) return http::BodyLane::reserved;
    return http::BodyLane::shared;
  };
  hints.probe_paths = {std::string(paths::healthz), std::string(paths::livez)};
  return hints;
}

}  // namespace relay::api
