// The OutgoingSecureMessages endpoints: POST (store or draft), GET by ExternalId, and search.
// Every query is scoped to the authenticated vendor: another vendor's message is not found.
#include "adapters/portal/form_codec.hpp"
#include "adapters/portal/json_codec.hpp"
#include "adapters/portal/paged_list.hpp"
#include "adapters/portal/xml_codec.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "gateway/api/gateway_api.hpp"
#include "gateway/api/message_mapping.hpp"
#include "gateway/api/request_precheck.hpp"
#include "gateway/api/responses.hpp"
#include "gateway/api/search_parameters.hpp"
#include "gateway/http/offload.hpp"
#include "gateway/intake/message_validator.hpp"

namespace relay::api {
namespace {

std::string encode(const portal::OutgoingSecureMessageModel& model, WireFormat format) {
  return format == WireFormat::xml ? portal::encode_xml(model) : portal::encode_json(model);
}

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

http::Response not_acceptable(unsigned version) {
  return error_response(
      domain::RequestError::plain(domain::ErrorKind::not_acceptable,
                                  "The Accept header names no format this API answers in "
                                  "(application/json, text/json, application/xml, text/xml)."),
      WireFormat::json, version);
}

}  // namespace

// Base64 of up to the attachment limit is CPU work: done on the CPU pool, off the I/O threads.
boost::asio::awaitable<std::string> GatewayApi::encode_on_cpu_pool(
    const domain::StoredMessage& message, WireFormat format) {
  co_return co_await http::run_on(cpu_pool_.get_executor(), [&message, format] {
    return encode(to_portal_model(message), format);
  });
}

boost::asio::awaitable<http::Response> GatewayApi::post_message(http::Request& request,
                                                                std::int64_t vendor_id,
                                                                const std::string& vendor_name) {
  const unsigned version = request.version();
  IntakeTally tally(metrics_.intake());
  tally.outcome = metrics::IntakeOutcome::unsupported_format;
  const auto content_type = classify_content_type(request[beast_http::field::content_type]);
  if (!is_message_body_type(content_type)) co_return unsupported_media_type_response(version);
  // A form is a request format only: its answer is JSON unless Accept asks for XML.
  const auto request_format =
      content_type == ContentTypeCheck::xml ? WireFormat::xml : WireFormat::json;
  const auto answer_format = format_from_accept(request[beast_http::field::accept], request_format);
  if (!answer_format) co_return not_acceptable(version);
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

  auto stored = co_await intake_.store(vendor_id, validated.value());
  if (!stored) {
    tally.outcome = metrics::outcome_of(stored.error().kind);
    co_return error_response(stored.error(), *answer_format, version);
  }
  tally.outcome = stored_outcome(stored->action, validated.value().status);
  co_return make_response(beast_http::status::ok,
                          co_await encode_on_cpu_pool(stored->message, *answer_format),
                          *answer_format, version);
}

boost::asio::awaitable<http::Response> GatewayApi::get_message(http::Request& request,
                                                               const RequestTarget& target,
                                                               std::int64_t vendor_id) {
  const unsigned version = request.version();
  const auto answer_format =
      format_from_accept(request[beast_http::field::accept], WireFormat::json);
  if (!answer_format) co_return not_acceptable(version);
  const auto* external_id = target.param("externalid");
  if (!external_id || external_id->empty()) {
    co_return error_response(
        domain::RequestError::field("externalId", "The externalId query parameter is required."),
        *answer_format, version);
  }
  auto message = co_await message_reads_.find_by_external_id(vendor_id, *external_id);
  if (!message) {
    co_return error_response(
        domain::RequestError::plain(domain::ErrorKind::not_found,
                                    "No message with this ExternalId was found."),
        *answer_format, version);
  }
  co_return make_response(beast_http::status::ok,
                          co_await encode_on_cpu_pool(*message, *answer_format), *answer_format,
                          version);
}

boost::asio::awaitable<http::Response> GatewayApi::search_messages(http::Request& request,
                                                                   const RequestTarget& target,
                                                                   std::int64_t vendor_id) {
  const unsigned version = request.version();
  if (!accepts_format(request[beast_http::field::accept], WireFormat::json))
    co_return not_acceptable(version);
  auto query = parse_search_parameters(target);
  if (!query) co_return error_response(query.error(), WireFormat::json, version);

  const pg::SearchQuery search = query.value();
  const auto page = co_await message_reads_.search(vendor_id, search);

  portal::PagedList list;
  list.total_items = page.total_items;
  list.items_per_page = search.items_per_page;
  list.current_page = search.page;
  list.total_pages = (page.total_items + search.items_per_page - 1) / search.items_per_page;
  const std::int64_t offset = static_cast<std::int64_t>(search.page - 1) * search.items_per_page;
  list.first_row_on_page = page.rows.empty() ? 0 : offset + 1;
  list.last_row_on_page =
      page.rows.empty() ? 0 : offset + static_cast<std::int64_t>(page.rows.size());
  list.rows.reserve(page.rows.size());
  for (const auto& row : page.rows) list.rows.push_back(to_portal_model(row));
  // The paged wrapper is answered in JSON, the form every known client reads (see README, API).
  auto body = co_await http::run_on(cpu_pool_.get_executor(),
                                    [&list] { return portal::encode_json(list); });
  co_return make_response(beast_http::status::ok, std::move(body), WireFormat::json, version);
}

}  // namespace relay::api
