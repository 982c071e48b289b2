// The extension table for attachment media types: the document formats clinics actually attach.
// Matching is case-insensitive on the last extension only.
#include "gateway/intake/content_type.hpp"

#include <array>
#include <utility>

#include "gateway/domain/text.hpp"

namespace relay::intake {

std::string content_type_for_file_name(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 22> table{{
      {"pdf", "application/pdf"},
      {"txt", "text/plain"},
      {"text", "text/plain"},
      {"csv", "text/csv"},
      {"rtf", "application/rtf"},
      {"htm", "text/html"},
      {"html", "text/html"},
      {"xml", "application/xml"},
      {"json", "application/json"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"png", "image/png"},
      {"gif", "image/gif"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"bmp", "image/bmp"},
      {"dcm", "application/dicom"},
      {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xls", "application/vnd.ms-excel"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"zip", "application/zip"},
  }};
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == file_name.size()) {
    return "application/octet-stream";
  }
  const auto extension = file_name.substr(dot + 1);
  for (const auto& [known, type] : table) {
    if (domain::iequals(extension, known)) return std::string(type);
  }
  return "application/octet-stream";
}

}  // namespace relay::intake
