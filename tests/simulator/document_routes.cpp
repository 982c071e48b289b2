// POST /document/upload answers a presigned-style URL on the simulator itself; PUT to it stores
// the bytes' size and SHA-256, refused like S3 (403 XML) once settings.upload_url_ttl_ms passed.
#include <boost/json/object.hpp>

#include "gateway/domain/digest.hpp"
#include "gateway/log/log.hpp"
#include "tests/simulator/json_body.hpp"
#include "tests/simulator/responses.hpp"
#include "tests/simulator/routes.hpp"
#include "tests/simulator/send_validation.hpp"
#include "tests/simulator/sim_clock.hpp"

namespace relay::sim {
namespace {
namespace json = boost::json;
namespace http = boost::beast::http;

Response s3_error(int status, std::string_view code, std::string_view message) {
  Response response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, "application/xml");
  response.body() = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" +
                    std::string(code) + "</Code><Message>" + std::string(message) +
                    "</Message></Error>";
  return response;
}

std::string string_at(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace

Response create_document(SimContext& context, const RequestTarget& target, const Request& request) {
  const auto patient_id = target.param("patientId");
  if (!patient_id) return bad_request("patientId: Required");
  if (!is_zod_uuid(*patient_id)) return bad_request("patientId: Invalid uuid");
  auto parsed = read_json_body(request);
  if (auto* error = std::get_if<std::string>(&parsed)) return bad_request(*error);
  const json::value& body = std::get<json::value>(parsed);
  if (!body.is_object()) return bad_request("DocumentReference must be a JSON object");
  const json::object& doc = body.get_object();
  if (const auto* type = doc.if_contains("resourceType");
      type != nullptr && !(type->is_string() && type->get_string() == "DocumentReference")) {
    return bad_request("resourceType: must be DocumentReference");
  }
  const json::value* description = doc.if_contains("description");
  if (description == nullptr || !description->is_string() || description->get_string().empty()) {
    return bad_request("description: Required");
  }
  if (const auto* type = doc.if_contains("type"); type == nullptr || !type->is_object()) {
    return bad_request("type: Required");
  }
  if (const auto* doc_context = doc.if_contains("context");
      doc_context == nullptr || !doc_context->is_object()) {
    return bad_request("context: Required");
  }
  std::string file_name, content_type;
  if (const auto* content = doc.if_contains("content"); content != nullptr && content->is_array() &&
                                                        !content->get_array().empty() &&
                                                        content->get_array()[0].is_object()) {
    if (const auto* attachment = content->get_array()[0].get_object().if_contains("attachment");
        attachment != nullptr && attachment->is_object()) {
      file_name = string_at(attachment->get_object(), "title");
      if (file_name.empty()) file_name = string_at(attachment->get_object(), "fileName");
      content_type = string_at(attachment->get_object(), "contentType");
    }
  }
  SimState& state = context.state;
  const DocumentRecord& record =
      state.documents.create(*patient_id, file_name, content_type, now_epoch_millis());
  ++state.log.counters.documents_created;
  log::info("sim.document_created", {{"document", record.id}, {"patient", record.patient_id}});
  return json_response(
      200, json::object{{"documentReferenceId", record.id},
                        {"uploadUrl", context.public_base + "/_upload/" + record.upload_token}});
}

Response receive_upload(SimContext& context, std::string_view token, const Request& request) {
  if (request.method() != http::verb::put) {
    return s3_error(405, "MethodNotAllowed", "The specified method is not allowed");
  }
  SimState& state = context.state;
  const std::string digest = domain::sha256_hex(request.body());
  const auto result = state.documents.upload(token, request.body().size(), digest,
                                             std::string(request[http::field::content_type]),
                                             now_epoch_millis(), state.settings.upload_url_ttl_ms);
  switch (result) {
    case UploadResult::stored: {
      ++state.log.counters.documents_uploaded;
      log::info("sim.document_uploaded", {{"bytes", std::to_string(request.body().size())}});
      Response response{http::status::ok, 11};
      std::string etag(1, '"');
      etag.append(digest, 0, 32);
      etag += '"';
      response.set(http::field::etag, etag);
      return response;
    }
    case UploadResult::expired:
      ++state.log.counters.uploads_expired;
      log::info("sim.upload_expired");
      return s3_error(403, "AccessDenied", "Request has expired");
    case UploadResult::unknown_token:
      break;
  }
  ++state.log.counters.uploads_refused;
  return s3_error(403, "AccessDenied", "Access Denied");
}

}  // namespace relay::sim
