// The portal model of a stored message (message_mapping) encoded as JSON or XML by the portal
// codecs, off the I/O threads.
#include "gateway/api/message_answers.hpp"

#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/xml_codec.hpp"
#include "gateway/api/message_mapping.hpp"
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

}  // namespace relay::api
