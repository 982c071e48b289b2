// Metriport's messageSendBodySchema (@metriport/shared 0.37.0, zod 3) re-implemented: the checks,
// their order and zod's issue texts, on subjects and bodies normalised as Metriport normalises.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::sim {

inline constexpr std::size_t max_destination_length = 255;
inline constexpr std::size_t max_subject_length = 255;
inline constexpr std::size_t max_body_length = 5000;
inline constexpr std::size_t max_attachments = 5;
inline constexpr std::size_t max_intended_recipient_npis = 10;

// A send body that passed the schema; subject and body are the normalised texts Metriport stores.
struct SendBody {
  std::string destination;
  std::string subject;
  std::optional<std::string> body;
  std::optional<std::vector<std::string>> attachments;
  std::optional<std::vector<std::string>> intended_recipient_npi;
};

// One zod issue: its path joined with dots as zod does ("attachments.1"; empty for the object
// itself) and zod's message.
struct SchemaIssue {
  std::string path;
  std::string message;
};

struct SendValidation {
  std::optional<SendBody> body;     // set when there are no issues
  std::vector<SchemaIssue> issues;  // in zod's order

  // "subject: String must contain at most 255 character(s); ..." for the 400 detail.
  std::string detail() const;
};

SendValidation validate_send_body(const boost::json::value& body);

// zod 3's uuid check: 8-4-4-4-12 hex digits, any case, any version.
bool is_zod_uuid(std::string_view text);

}  // namespace relay::sim
