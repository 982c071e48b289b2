// Metriport's normalizeMessagePlainText (@metriport/shared 0.37.0) on UTF-8 text: drop C0 controls
// except tab/LF/CR, and DEL, then trim as JavaScript's String.prototype.trim does.
#pragma once

#include <string>
#include <string_view>

namespace relay::sim {

// Input must be valid UTF-8 (Boost.JSON guarantees that for parsed strings).
std::string normalize_message_plain_text(std::string_view text);

}  // namespace relay::sim
