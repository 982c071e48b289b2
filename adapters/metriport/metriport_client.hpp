// The Metriport Medical API calls one delivery needs (patient lookup, document upload, send,
// status), each answering a classified CallResult; transport, pool and TLS live in http_client.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/metriport/api_types.hpp"
#include "adapters/metriport/call_observer.hpp"
#include "adapters/metriport/call_result.hpp"
#include "adapters/metriport/client_settings.hpp"

namespace relay::metriport {

class HttpClient;

// Thread-safe: calls may run concurrently on any thread of the executor's io_context (the pool is
// strand-protected, settings are read-only). The client must outlive the calls it started.
// x-api-key goes on base_url calls only, never on upload URLs, and is never logged.
// Outcomes: see classification.hpp. A 2xx answer that does not parse is permanent ("HTTP 200
// answer unreadable: ..."), except for send_message, where it is ambiguous.
class MetriportClient {
 public:
  template <class T>
  using Call = boost::asio::awaitable<CallResult<T>>;

  // Throws std::invalid_argument when base_url is not an absolute http(s) URL, and
  // boost::system::system_error when ca_file cannot be loaded. observer (may be null, not owned,
  // must outlive the client) hears of every exchange.
  MetriportClient(boost::asio::any_io_executor executor, ClientSettings settings,
                  CallObserver* observer = nullptr);
  ~MetriportClient();
  MetriportClient(const MetriportClient&) = delete;
  MetriportClient& operator=(const MetriportClient&) = delete;

  // GET /patient/external-id?externalId=: 404 is permanent with is_not_found().
  Call<Patient> find_patient_by_external_id(std::string external_id);
  // POST /document/upload?patientId= with a FHIR DocumentReference.
  Call<DocumentUpload> create_document_reference(std::string patient_id,
                                                 DocumentReferenceRequest request);
  // PUT the bytes to the upload URL (no API key, upload_timeout); `bytes` must stay valid until
  // the call completes. An expired URL is permanent with a reason starting "upload URL expired":
  // create a new document reference.
  Call<std::monostate> put_document(std::string upload_url, std::string content_type,
                                    std::string_view bytes);
  // POST /message?patientId=. Ambiguous when the request was (even partly) written and no usable
  // answer came, including a 2xx answer that does not parse: reconcile with list_messages.
  Call<MessageRecord> send_message(SendRequest request);
  // GET /message/{id}.
  Call<MessageRecord> get_message(std::string id);
  // GET /message?patientId=&direction=&destination=[&status=], following meta.nextPage while it
  // stays on base_url's origin and path (else permanent "nextPage points outside the API"); more
  // than max_pages pages is permanent rather than a silently partial list.
  Call<std::vector<MessageRecord>> list_messages(MessageListFilter filter,
                                                 std::size_t max_pages = 20);

 private:
  struct Reply;
  boost::asio::awaitable<Reply> call(Operation operation, boost::beast::http::verb method,
                                     std::string url, std::string_view body,
                                     std::string content_type, bool to_api);

  ClientSettings settings_;
  CallObserver* observer_;
  std::unique_ptr<HttpClient> http_;
};

}  // namespace relay::metriport
