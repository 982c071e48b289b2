// Short, PHI-free reasons for failed answers: status plus title/detail from Metriport's error JSON
// ({"status","name","title","detail"} or {"message"}), an S3-style XML error, or the status text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relay::metriport {

inline constexpr std::size_t max_reason_bytes = 200;

// Control characters become spaces; cut to max_bytes on a UTF-8 character boundary.
std::string bounded_reason(std::string_view text, std::size_t max_bytes = max_reason_bytes);

// "HTTP 400 Missing or invalid parameters: subject: ...", "HTTP 502: Internal server error",
// "HTTP 403 AccessDenied: Request has expired", "HTTP 429 Too Many Requests". Request bodies are
// never part of it; answer bodies only through the named error fields.
std::string describe_error_answer(int status, std::string_view body);

// An object store refusing a presigned upload URL because it expired (403 or 400 naming expiry).
bool is_expired_upload_answer(int status, std::string_view body);

}  // namespace relay::metriport
