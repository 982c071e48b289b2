// MessagePostEndpoint: content type and Accept first (415, 406), then decoding and validation off
// the I/O threads, then one storing transaction; the intake metrics count each post's outcome once.
#include "gateway/api/message_post_endpoint.hpp"

#include "adapters/portal/form_codec.hpp"
#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/xml_codec.hpp"
#include "gateway/api/message_answers.hpp"
#include "gateway/api/request_precheck.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/http/offload.hpp"
#include "gateway/intake/message_validator.hpp"

namespace relay::api {
namespace {

domain::Outcome<portal::OutgoingSecureMessageModel> decode(std::string_view body,
                                                           ContentTypeCheck type,
                                                           const portal::DecodeLimits& limits) {
  switch (type) {
    case ContentTypeCheck::xml:
      return portal::decode_xml(body, limits);
    case ContentTypeCheck::form:
      return portal::decode_form(body, limits);
    default:
      return portal::decode_json(body, limits);
  }
}

// Counts a post's outcome once, when the endpoint's coroutine ends: "error" unless an answer set
// it (an exception propagating to GatewayApi::handle becomes a 5xx).
class IntakeTally {
 public:
  explicit IntakeTally(metrics::IntakeMetrics& metrics) : metrics_(metrics) {}
  ~IntakeTally() { metrics_.count(outcome); }
  IntakeTally(const IntakeTally&) = delete;
  IntakeTally& operator=(const IntakeTally&) = delete;

  metrics::IntakeOutcome outcome = metrics::IntakeOutcome::error;

 private:
  metrics::IntakeMetrics& metrics_;
};

metrics::IntakeOutcome stored_outcome(domain::IntakeAction action, domain::RequestedStatus status) {
  if (action == domain::IntakeAction::unchanged) return metrics::IntakeOutcome::duplicate;
  return status == domain::RequestedStatus::sent ? metrics::IntakeOutcome::stored
                                                 : metrics::IntakeOutcome::draft;
}

}  // namespace

boost::asio::awaitable<http::Response> MessagePostEndpoint::operator()(
    VendorRequest& vendor_request) {
  const http::Request& request = vendor_request.http;
  const std::string& vendor_name = vendor_request.vendor_name;
  const unsigned version = request.version();
  IntakeTally tally(metrics_);
  tally.outcome = metrics::IntakeOutcome::unsupported_format;
  const auto content_type = classify_content_type(request[beast_http::field::content_type]);
  if (!is_message_body_type(content_type)) co_return unsupported_media_type_response(version);
  // A form is a request format only: its answer is JSON unless Accept asks for XML.
  const auto request_format =
      content_type == ContentTypeCheck::xml ? WireFormat::xml : WireFormat::json;
  const auto answer_format = format_from_accept(request[beast_http::field::accept], request_format);
  if (!answer_format) co_return not_acceptable_response(version);
  tally.outcome = metrics::IntakeOutcome::error;

  // Decoding and validation (base64 of up to the body limit, SHA-256) run on the CPU pool.
  auto validated = co_await http::run_on(
      cpu_pool_.get_executor(),
      [this, &request, &vendor_name, content_type]() -> domain::Outcome<domain::ValidatedMessage> {
        portal::DecodeLimits limits;
        limits.max_bytes = config_.http.body_limit_bytes;
        auto decoded = decode(request.body(), content_type, limits);
        if (!decoded) return decoded.take_error();
        return intake::validate_message(decoded.value(), config_.intake, config_.routing,
                                        vendor_name);
      });
  if (!validated) {
    tally.outcome = metrics::outcome_of(validated.error().kind);
    co_return error_response(validated.error(), *answer_format, version);
  }

  auto stored = co_await intake_.store(vendor_request.vendor_id, validated.value());
  if (!stored) {
    tally.outcome = metrics::outcome_of(stored.error().kind);
    co_return error_response(stored.error(), *answer_format, version);
  }
  tally.outcome = stored_outcome(stored->action, validated.value().status);
  co_return make_response(beast_http::status::ok,
                          co_await encode_on(cpu_pool_, stored->message, *answer_format),
                          *answer_format, version);
}

}  // namespace relay::api
