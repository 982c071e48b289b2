// Media-type parsing for content negotiation: tolerant of spacing, case and parameters, strict on
// charset. Accept ranges: JSON/XML types, application/* and text/* (JSON), */* (the fallback).
#include "gateway/api/wire_format.hpp"

#include <string>

#include "gateway/domain/text.hpp"

namespace relay::api {
namespace {

std::string_view trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

std::optional<WireFormat> format_of_type(std::string_view type, WireFormat fallback) {
  const std::string lower = domain::to_lower_ascii(type);
  if (lower == "application/json" || lower == "text/json" || lower == "application/*" ||
      lower == "text/*") {
    return WireFormat::json;
  }
  if (lower.size() > 5 && lower.starts_with("application/") && lower.ends_with("+json")) {
    return WireFormat::json;
  }
  if (lower == "application/xml" || lower == "text/xml") return WireFormat::xml;
  if (lower == "*/*") return fallback;
  return std::nullopt;
}

}  // namespace

ContentTypeCheck classify_content_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  const auto type = trim(content_type.substr(0, semicolon));
  if (type.empty()) return ContentTypeCheck::missing;
  if (semicolon != std::string_view::npos) {
    std::string_view parameters = content_type.substr(semicolon + 1);
    while (!parameters.empty()) {
      const auto next = parameters.find(';');
      const auto parameter = trim(parameters.substr(0, next));
      const auto equals = parameter.find('=');
      if (equals != std::string_view::npos &&
          domain::iequals(trim(parameter.substr(0, equals)), "charset")) {
        auto charset = trim(parameter.substr(equals + 1));
        if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
          charset = charset.substr(1, charset.size() - 2);
        }
        if (!domain::iequals(charset, "utf-8") && !domain::iequals(charset, "utf8")) {
          return ContentTypeCheck::unsupported;
        }
      }
      if (next == std::string_view::npos) break;
      parameters = parameters.substr(next + 1);
    }
  }
  const std::string lower = domain::to_lower_ascii(type);
  if (lower == "application/json" || lower == "text/json") return ContentTypeCheck::json;
  if (lower == "application/xml" || lower == "text/xml") return ContentTypeCheck::xml;
  if (lower == "application/x-www-form-urlencoded") return ContentTypeCheck::form;
  return ContentTypeCheck::unsupported;
}

bool is_message_body_type(ContentTypeCheck check) {
  return check == ContentTypeCheck::json || check == ContentTypeCheck::xml ||
         check == ContentTypeCheck::form;
}

namespace {

// Calls visit(media type, quality) for every range of an Accept header.
template <class Visit>
void for_each_accept_range(std::string_view accept, Visit visit) {
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const auto range = accept.substr(0, comma);
    const auto semicolon = range.find(';');
    const auto type = trim(range.substr(0, semicolon));
    double quality = 1.0;
    if (semicolon != std::string_view::npos) {
      const auto parameters = range.substr(semicolon + 1);
      const auto q = parameters.find("q=");
      if (q != std::string_view::npos) {
        try {
          quality = std::stod(std::string(trim(parameters.substr(q + 2))));
        } catch (const std::exception&) {
          quality = 0.0;
        }
      }
    }
    if (!type.empty()) visit(type, quality);
    if (comma == std::string_view::npos) break;
    accept = accept.substr(comma + 1);
  }
}

}  // namespace

std::optional<WireFormat> format_from_accept(std::string_view accept, WireFormat fallback) {
  if (trim(accept).empty()) return fallback;
  std::optional<WireFormat> best;
  double best_quality = 0.0;
  for_each_accept_range(accept, [&](std::string_view type, double quality) {
    if (auto format = format_of_type(type, fallback); format && quality > best_quality) {
      best = format;
      best_quality = quality;
    }
  });
  return best;
}

bool accepts_format(std::string_view accept, WireFormat format) {
  if (trim(accept).empty()) return true;
  bool accepted = false;
  for_each_accept_range(accept, [&](std::string_view type, double quality) {
    if (quality > 0.0 && format_of_type(type, format) == format) accepted = true;
  });
  return accepted;
}

const char* media_type(WireFormat format) {
  return format == WireFormat::xml ? "application/xml; charset=utf-8"
                                   : "application/json; charset=utf-8";
}

}  // namespace relay::api
