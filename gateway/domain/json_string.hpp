// JSON string literals: quoting and escaping text (assumed UTF-8) for hand-written JSON output.
// Shared by the portal's JSON encoder and the structured log lines.
#pragma once

#include <string>
#include <string_view>

namespace relay::domain {

// Appends text as a quoted JSON string: '"' and '\\' escaped, control characters as short escapes
// or \u00XX; everything else (UTF-8 included) copied as is.
void append_json_string(std::string& out, std::string_view text);

}  // namespace relay::domain
