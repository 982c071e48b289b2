// Media type of an attachment, derived from its file name's extension (the portal sends no type).
// Metriport's document upload needs a contentType; unknown extensions are application/octet-stream.
#pragma once

#include <string>
#include <string_view>

namespace relay::intake {

std::string content_type_for_file_name(std::string_view file_name);

}  // namespace relay::intake
