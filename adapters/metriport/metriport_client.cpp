// Each call: build the URL and body, run one exchange, classify it, parse a 2xx answer. A 2xx
// answer that does not parse is permanent, except for a send: ambiguous (it may have been taken).
#include "adapters/metriport/metriport_client.hpp"
#include "adapters/metriport/concat.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <set>
#include <stdexcept>
#include <utility>

#include "adapters/metriport/answer_parsers.hpp"
#include "adapters/metriport/api_urls.hpp"
#include "adapters/metriport/classification.hpp"
#include "adapters/metriport/error_reason.hpp"
#include "adapters/metriport/http_client.hpp"
#include "adapters/metriport/message_record_parser.hpp"
#include "adapters/metriport/request_builders.hpp"
#include "adapters/metriport/url_origin.hpp"
#include "gateway/log/log.hpp"

namespace relay::metriport {
namespace {
namespace asio = boost::asio;
using boost::beast::http::verb;

constexpr std::string_view json_type = "application/json";

HttpClientSettings transport_settings(const ClientSettings& settings) {
  HttpClientSettings transport;
  transport.connect_timeout = settings.connect_timeout;
  transport.max_connections_per_host = settings.max_connections_per_host;
  transport.idle_timeout = settings.idle_timeout;
  transport.max_answer_bytes = settings.max_answer_bytes;
  transport.ca_file = settings.ca_file;
  return transport;
}

// A 2xx answer whose body is not what the call expects.
template <class T>
CallResult<T> unreadable(Classification classification, CallOutcome outcome,
                         const std::string& error) {
  classification.outcome = outcome;
  classification.reason =
      bounded_reason(concat({classification.reason, " answer unreadable: ", error}));
  return to_call_result<T>(std::move(classification));
}

// A successful call's parsed answer, or unreadable(..., unreadable_outcome) when the body did not
// parse as T.
template <class T, class Parsed>
CallResult<T> parsed_result(Classification classification, Parsed parsed,
                            CallOutcome unreadable_outcome) {
  if (!parsed.value) {
    return unreadable<T>(std::move(classification), unreadable_outcome, parsed.error);
  }
  auto result = to_call_result<T>(std::move(classification));
  result.value = std::move(parsed.value);
  return result;
}
}  // namespace

struct MetriportClient::Reply {
  Classification classification;
  std::optional<HttpAnswer> answer;
  bool success() const { return classification.outcome == CallOutcome::success; }
};

MetriportClient::MetriportClient(asio::any_io_executor executor, ClientSettings settings,
                                 CallObserver* observer)
    : settings_(std::move(settings)), observer_(observer) {
  if (!parse_http_url(settings_.base_url)) {
    throw std::invalid_argument("Metriport base URL is not an absolute http(s) URL");
  }
  http_ = std::make_unique<HttpClient>(std::move(executor), transport_settings(settings_));
}

MetriportClient::~MetriportClient() = default;

asio::awaitable<MetriportClient::Reply> MetriportClient::call(Operation operation, verb method,
                                                              std::string url,
                                                              std::string_view body,
                                                              std::string content_type,
                                                              bool to_api) {
  const auto started = std::chrono::steady_clock::now();
  HttpRequest request;
  request.method = method;
  request.url = std::move(url);
  request.body = body;
  request.timeout = method == verb::put ? settings_.upload_timeout : settings_.request_timeout;
  if (to_api) {
    request.headers.emplace_back("x-api-key", settings_.api_key);
    request.headers.emplace_back("Accept", json_type);
  }
  if (!content_type.empty()) request.headers.emplace_back("Content-Type", std::move(content_type));

  ExchangeResult result = co_await http_->exchange(request);
  const bool idempotent = is_idempotent(method);
  Reply reply;
  if (auto* answer = std::get_if<HttpAnswer>(&result)) {
    reply.classification = classify_answer(*answer, idempotent, std::chrono::system_clock::now());
    reply.answer = std::move(*answer);
  } else {
    reply.classification = classify_failure(std::get<TransportFailure>(result), idempotent);
  }
  const auto took = std::chrono::steady_clock::now() - started;
  if (observer_ != nullptr) {
    observer_->on_call(CallReport{operation, reply.classification.http_status,
                                  reply.classification.outcome, took});
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(took);
  // No reason text: Metriport's error details could echo a value; callers keep it in last_error.
  log::write(reply.success() ? log::Level::debug : log::Level::info, "metriport.call",
             {{"operation", std::string(to_string(operation))},
              {"outcome", std::string(to_string(reply.classification.outcome))},
              {"status", std::to_string(reply.classification.http_status)},
              {"elapsed_ms", std::to_string(elapsed.count())}});
  co_return reply;
}

MetriportClient::Call<Patient> MetriportClient::find_patient_by_external_id(
    std::string external_id) {
  Reply reply =
      co_await call(Operation::patient_lookup, verb::get,
                    patient_by_external_id_url(settings_.base_url, external_id), {}, {}, true);
  if (!reply.success()) co_return to_call_result<Patient>(std::move(reply.classification));
  auto result = parsed_result<Patient>(std::move(reply.classification),
                                       parse_patient(reply.answer->body), CallOutcome::permanent);
  co_return result;
}

MetriportClient::Call<DocumentUpload> MetriportClient::create_document_reference(
    std::string patient_id, DocumentReferenceRequest request) {
  const std::string body = build_document_reference_body(request, std::chrono::system_clock::now());
  Reply reply = co_await call(Operation::document_reference, verb::post,
                              document_upload_url(settings_.base_url, patient_id), body,
                              std::string(json_type), true);
  if (!reply.success()) co_return to_call_result<DocumentUpload>(std::move(reply.classification));
  auto result = parsed_result<DocumentUpload>(std::move(reply.classification),
                                              parse_document_upload(reply.answer->body),
                                              CallOutcome::permanent);
  co_return result;
}

MetriportClient::Call<std::monostate> MetriportClient::put_document(std::string upload_url,
                                                                    std::string content_type,
                                                                    std::string_view bytes) {
  if (content_type.empty()) content_type = "application/octet-stream";
  Reply reply = co_await call(Operation::document_put, verb::put, std::move(upload_url), bytes,
                              std::move(content_type), false);
  if (reply.answer && reply.classification.outcome == CallOutcome::permanent &&
      is_expired_upload_answer(reply.answer->status, reply.answer->body)) {
    reply.classification.reason =
        bounded_reason(concat({"upload URL expired (", reply.classification.reason, ")"}));
  }
  auto result = to_call_result<std::monostate>(std::move(reply.classification));
  if (result.ok()) result.value.emplace();
  co_return result;
}

MetriportClient::Call<MessageRecord> MetriportClient::send_message(SendRequest request) {
  const std::string body = build_send_body(request);
  Reply reply = co_await call(Operation::message_send, verb::post,
                              send_message_url(settings_.base_url, request.patient_id), body,
                              std::string(json_type), true);
  if (!reply.success()) co_return to_call_result<MessageRecord>(std::move(reply.classification));
  auto result = parsed_result<MessageRecord>(std::move(reply.classification),
                                             parse_message_answer(reply.answer->body),
                                             CallOutcome::ambiguous);
  co_return result;
}

MetriportClient::Call<MessageRecord> MetriportClient::get_message(std::string id) {
  Reply reply = co_await call(Operation::message_get, verb::get,
                              message_url(settings_.base_url, id), {}, {}, true);
  if (!reply.success()) co_return to_call_result<MessageRecord>(std::move(reply.classification));
  auto result = parsed_result<MessageRecord>(std::move(reply.classification),
                                             parse_message_answer(reply.answer->body),
                                             CallOutcome::permanent);
  co_return result;
}

MetriportClient::Call<std::vector<MessageRecord>> MetriportClient::list_messages(
    MessageListFilter filter, std::size_t max_pages) {
  using Result = CallResult<std::vector<MessageRecord>>;
  std::vector<MessageRecord> messages;
  std::set<std::string> visited;
  std::string url = message_list_url(settings_.base_url, filter);
  for (std::size_t page = 0;; ++page) {
    if (page >= std::max<std::size_t>(max_pages, 1)) {
      Result result;
      result.outcome = CallOutcome::permanent;
      result.reason = concat({"message list has more than ", std::to_string(max_pages), " pages"});
      co_return result;
    }
    visited.insert(url);
    Reply reply = co_await call(Operation::message_list, verb::get, url, {}, {}, true);
    if (!reply.success())
      co_return to_call_result<std::vector<MessageRecord>>(std::move(reply.classification));
    auto parsed = parse_message_list(reply.answer->body);
    if (!parsed.value) {
      co_return unreadable<std::vector<MessageRecord>>(std::move(reply.classification),
                                                       CallOutcome::permanent, parsed.error);
    }
    for (auto& message : parsed.value->messages) messages.push_back(std::move(message));
    auto& next = parsed.value->next_page;
    std::optional<std::string> refusal;
    if (next) {
      refusal = next_page_refusal(settings_.base_url, *next);
      if (!refusal && visited.contains(*next)) refusal = "nextPage repeats an earlier page";
    }
    if (!next || refusal) {
      auto result = to_call_result<std::vector<MessageRecord>>(std::move(reply.classification));
      if (refusal) {
        result.outcome = CallOutcome::permanent;
        result.reason = *refusal;
      } else {
        result.value = std::move(messages);
      }
      co_return result;
    }
    url = std::move(*next);
  }
}

}  // namespace relay::metriport
