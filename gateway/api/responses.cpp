// Maps ErrorKind to HTTP statuses and encodes the portal's {"message","modelState"} body.
// Every answer is no-store: message content is PHI and must not sit in shared caches.
#include "gateway/api/responses.hpp"

#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/xml_codec.hpp"

namespace relay::api {

beast_http::status status_for(domain::ErrorKind kind) {
  switch (kind) {
    case domain::ErrorKind::bad_request:
      return beast_http::status::bad_request;
    case domain::ErrorKind::unauthorized:
      return beast_http::status::unauthorized;
    case domain::ErrorKind::not_found:
      return beast_http::status::not_found;
    case domain::ErrorKind::conflict:
      return beast_http::status::conflict;
    case domain::ErrorKind::payload_too_large:
      return beast_http::status::payload_too_large;
    case domain::ErrorKind::unsupported_media_type:
      return beast_http::status::unsupported_media_type;
    case domain::ErrorKind::unprocessable:
      return beast_http::status::unprocessable_entity;
    case domain::ErrorKind::not_acceptable:
      return beast_http::status::not_acceptable;
  }
  return beast_http::status::bad_request;
}

http::Response make_response(beast_http::status status, std::string body, WireFormat format,
                             unsigned version) {
  http::Response response{status, version};
  response.set(beast_http::field::content_type, media_type(format));
  response.set(beast_http::field::cache_control, "no-store");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

http::Response error_response(const domain::RequestError& error, WireFormat format,
                              unsigned version) {
  const auto body = format == WireFormat::xml ? portal::encode_error_xml(error)
                                              : portal::encode_error_json(error);
  return make_response(status_for(error.kind), body, format, version);
}

http::Response not_acceptable_response(unsigned version) {
  return error_response(
      domain::RequestError::plain(domain::ErrorKind::not_acceptable,
                                  "The Accept header names no format this API answers in "
                                  "(application/json, text/json, application/xml, text/xml)."),
      WireFormat::json, version);
}

http::Response unauthorized_response(unsigned version, bool token_was_sent) {
  auto response = make_response(beast_http::status::unauthorized,
                                R"({"message":"Authorization has been denied for this request."})",
                                WireFormat::json, version);
  response.set(beast_http::field::www_authenticate,
               token_was_sent ? R"(Bearer error="invalid_token")" : "Bearer");
  return response;
}

namespace {

// The portal's error shape ({"message":..} or <Error><Message>..) with any status.
http::Response message_response(beast_http::status status, std::string message, WireFormat format,
                                unsigned version) {
  const auto error =
      domain::RequestError::plain(domain::ErrorKind::bad_request, std::move(message));
  return make_response(status,
                       format == WireFormat::xml ? portal::encode_error_xml(error)
                                                 : portal::encode_error_json(error),
                       format, version);
}

}  // namespace

http::Response internal_error_response(WireFormat format, unsigned version) {
  return message_response(beast_http::status::internal_server_error, "An error has occurred.",
                          format, version);
}

http::Response unavailable_response(WireFormat format, unsigned version) {
  auto response = message_response(
      beast_http::status::service_unavailable,
      "The service is temporarily unavailable. Retry after the number of seconds in Retry-After.",
      format, version);
  response.set(beast_http::field::retry_after, std::to_string(database_retry_after_seconds));
  return response;
}

http::Response transport_error_response(beast_http::status status, std::string_view reason,
                                        unsigned version) {
  auto error = domain::RequestError::plain(domain::ErrorKind::bad_request, std::string(reason));
  auto response =
      make_response(status, portal::encode_error_json(error), WireFormat::json, version);
  response.keep_alive(false);
  return response;
}

}  // namespace relay::api
