// The request target split into path and query parameters, names lower-cased because ASP.NET
// binds them case-insensitively (externalId, ExternalID and externalid are one parameter).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace relay::api {

struct RequestTarget {
  std::string path;                           // percent-decoded
  std::map<std::string, std::string> params;  // lower-cased name -> decoded value (first wins)
  const std::string* param(std::string_view lower_name) const;
};

// nullopt when the target is not a valid origin-form (or http/https absolute-form) URI, or a
// decoded part is not UTF-8 or holds NUL.
std::optional<RequestTarget> parse_request_target(std::string_view target);

// application/x-www-form-urlencoded body -> lower-cased name -> value; nullopt when malformed.
std::optional<std::map<std::string, std::string>> parse_form(std::string_view body);

}  // namespace relay::api
