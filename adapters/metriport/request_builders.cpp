// Request body construction with Boost.JSON (escaping handled there); pure, no clock read.
// Key order is fixed so captured bodies compare byte for byte in tests.
#include "adapters/metriport/request_builders.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>

namespace relay::metriport {
namespace {
boost::json::array string_array(const std::vector<std::string>& items) {
  boost::json::array array;
  for (const auto& item : items) array.emplace_back(item);
  return array;
}
}  // namespace

std::string build_send_body(const SendRequest& request) {
  boost::json::object body;
  body["destination"] = request.destination;
  body["subject"] = request.subject;
  if (request.body && !request.body->empty()) body["body"] = *request.body;
  if (!request.attachments.empty()) body["attachments"] = string_array(request.attachments);
  if (!request.intended_recipient_npi.empty()) {
    body["intendedRecipientNpi"] = string_array(request.intended_recipient_npi);
  }
  return boost::json::serialize(body);
}

std::string build_document_reference_body(const DocumentReferenceRequest& request,
                                          std::chrono::system_clock::time_point now) {
  boost::json::object attachment;
  attachment["contentType"] = request.content_type;
  attachment["title"] = request.file_name;
  attachment["fileName"] = request.file_name;
  attachment["size"] = request.size;
  boost::json::object document;
  document["resourceType"] = "DocumentReference";
  document["status"] = "current";
  document["description"] = request.description;
  document["type"] = boost::json::object{{"text", "Secure message attachment"}};
  document["context"] =
      boost::json::object{{"period", boost::json::object{{"start", format_iso_utc(now)}}}};
  document["content"] = boost::json::array{boost::json::object{{"attachment", attachment}}};
  return boost::json::serialize(document);
}

std::string format_iso_utc(std::chrono::system_clock::time_point instant) {
  using namespace std::chrono;
  const auto millis = floor<milliseconds>(instant);
  const auto day = floor<days>(millis);
  const year_month_day date{day};
  const hh_mm_ss time{millis - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return text;
}

}  // namespace relay::metriport
