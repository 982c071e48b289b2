// Patient, document upload and message list answers to values (see answer_parsers.hpp).
// Extra keys are ignored: Metriport adds fields over time.
#include "adapters/metriport/answer_parsers.hpp"

#include <boost/json/parse.hpp>

#include "adapters/metriport/message_record_parser.hpp"
#include "adapters/metriport/url_origin.hpp"

namespace relay::metriport {
namespace {
namespace json = boost::json;

std::string_view string_field(const json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  if (found == nullptr || !found->is_string()) return {};
  return found->get_string();
}
}  // namespace

Parsed<Patient> parse_patient(std::string_view body) {
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return Parsed<Patient>::failure("patient answer is not an object");
  const auto& object = value.get_object();
  Patient patient;
  patient.id = std::string(string_field(object, "id"));
  if (patient.id.empty()) return Parsed<Patient>::failure("patient answer has no id");
  patient.external_id = std::string(string_field(object, "externalId"));
  return Parsed<Patient>::success(std::move(patient));
}

Parsed<DocumentUpload> parse_document_upload(std::string_view body) {
  using Result = Parsed<DocumentUpload>;
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return Result::failure("upload answer is not an object");
  const auto& object = value.get_object();
  DocumentUpload upload;
  upload.document_reference_id = std::string(string_field(object, "documentReferenceId"));
  upload.upload_url = std::string(string_field(object, "uploadUrl"));
  if (upload.document_reference_id.empty()) {
    return Result::failure("upload answer has no documentReferenceId");
  }
  if (!parse_http_url(upload.upload_url)) {
    return Result::failure("upload answer has no http(s) uploadUrl");
  }
  return Result::success(std::move(upload));
}

Parsed<MessagePage> parse_message_list(std::string_view body) {
  using Result = Parsed<MessagePage>;
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return Result::failure("message list is not an object");
  const auto& object = value.get_object();
  const auto* messages = object.if_contains("messages");
  if (messages == nullptr || !messages->is_array()) {
    return Result::failure("message list has no messages array");
  }
  MessagePage page;
  for (const auto& item : messages->get_array()) {
    if (auto record = message_from_json(item)) page.messages.push_back(std::move(*record));
  }
  if (const auto* meta = object.if_contains("meta"); meta != nullptr && meta->is_object()) {
    const std::string_view next = string_field(meta->get_object(), "nextPage");
    if (!next.empty()) page.next_page = std::string(next);
  }
  return Result::success(std::move(page));
}

}  // namespace relay::metriport
