// URL construction for the Metriport calls; base_url's own query and fragment are dropped,
// a trailing slash on it is ignored.
#include "adapters/metriport/api_urls.hpp"
#include "adapters/metriport/concat.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include <initializer_list>
#include <utility>

namespace relay::metriport {
namespace {

using QueryParam = std::pair<std::string_view, std::string_view>;

std::string build(std::string_view base_url, std::string_view path_suffix,
                  std::initializer_list<QueryParam> query) {
  boost::urls::url url(base_url);
  std::string path(url.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  path += path_suffix;
  url.set_encoded_path(path);
  std::string encoded_query;
  for (const auto& [key, value] : query) {
    if (!encoded_query.empty()) encoded_query += '&';
    encoded_query += percent_encode(key);
    encoded_query += '=';
    encoded_query += percent_encode(value);
  }
  if (encoded_query.empty()) {
    url.remove_query();
  } else {
    url.set_encoded_query(encoded_query);
  }
  url.remove_fragment();
  return std::string(url.buffer());
}
}  // namespace

std::string percent_encode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string patient_by_external_id_url(std::string_view base_url, std::string_view external_id) {
  return build(base_url, "/patient/external-id", {{"externalId", external_id}});
}

std::string document_upload_url(std::string_view base_url, std::string_view patient_id) {
  return build(base_url, "/document/upload", {{"patientId", patient_id}});
}

std::string send_message_url(std::string_view base_url, std::string_view patient_id) {
  return build(base_url, "/message", {{"patientId", patient_id}});
}

std::string message_url(std::string_view base_url, std::string_view message_id) {
  return build(base_url, concat({"/message/", percent_encode(message_id)}), {});
}

std::string message_list_url(std::string_view base_url, const MessageListFilter& filter) {
  if (filter.status) {
    return build(base_url, "/message",
                 {{"patientId", filter.patient_id},
                  {"direction", filter.direction},
                  {"destination", filter.destination},
                  {"status", *filter.status}});
  }
  return build(base_url, "/message",
               {{"patientId", filter.patient_id},
                {"direction", filter.direction},
                {"destination", filter.destination}});
}

}  // namespace relay::metriport
