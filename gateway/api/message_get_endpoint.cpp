// MessageGetEndpoint: Accept first (406), then the lookup scoped to the vendor, then the stored
// model encoded on the CPU pool.
#include "gateway/api/message_get_endpoint.hpp"

#include "gateway/api/message_answers.hpp"
#include "gateway/api/responses.hpp"

namespace relay::api {

boost::asio::awaitable<http::Response> MessageGetEndpoint::operator()(
    VendorRequest& vendor_request) {
  const http::Request& request = vendor_request.http;
  const unsigned version = request.version();
  const auto answer_format =
      format_from_accept(request[beast_http::field::accept], WireFormat::json);
  if (!answer_format) co_return not_acceptable_response(version);
  const auto* external_id = vendor_request.target.param("externalid");
  if (!external_id || external_id->empty()) {
    co_return error_response(
        domain::RequestError::field("externalId", "The externalId query parameter is required."),
        *answer_format, version);
  }
  auto message = co_await reads_.find_by_external_id(vendor_request.vendor_id, *external_id);
  if (!message) {
    co_return error_response(
        domain::RequestError::plain(domain::ErrorKind::not_found,
                                    "No message with this ExternalId was found."),
        *answer_format, version);
  }
  co_return make_response(beast_http::status::ok,
                          co_await encode_on(cpu_pool_, *message, *answer_format), *answer_format,
                          version);
}

}  // namespace relay::api
