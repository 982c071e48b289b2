// The portal model of a stored message (message_mapping) encoded as JSON or XML by the portal
// codecs; the 406 lists the formats this API answers in.
#include "gateway/api/message_answers.hpp"

#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/xml_codec.hpp"
#include "gateway/api/message_mapping.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/http/offload.hpp"

namespace relay::api {

boost::asio::awaitable<std::string> encode_on(boost::asio::thread_pool& cpu_pool,
                                              const domain::StoredMessage& message,
                                              WireFormat format) {
  co_return co_await http::run_on(cpu_pool.get_executor(), [&message, format] {
    const auto model = to_portal_model(message);
    return format == WireFormat::xml ? portal::encode_xml(model) : portal::encode_json(model);
  });
}

http::Response not_acceptable(unsigned version) {
  return error_response(
      domain::RequestError::plain(domain::ErrorKind::not_acceptable,
                                  "The Accept header names no format this API answers in "
                                  "(application/json, text/json, application/xml, text/xml)."),
      WireFormat::json, version);
}

}  // namespace relay::api
