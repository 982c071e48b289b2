// Turns one delivery (normalised subject, optional body, ordered attachments) into the Metriport
// sends it needs: body over the limit -> prefix plus full-body document; over 5 documents -> parts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relay::engine {

struct PlannedAttachment {
  std::int64_t attachment_id = 0;  // attachments.id
  std::string file_name;           // carried for the caller; planning does not depend on it
};

struct SendLimits {
  std::size_t max_body_units = 5000;  // Metriport body limit, UTF-16 units
  std::size_t max_attachments_per_send = 5;
  std::size_t max_subject_units = 255;
};

// One document of a send: an attachment, or (nullopt) the full-body text document.
struct DocumentKey {
  std::optional<std::int64_t> attachment_id;
  bool operator==(const DocumentKey&) const = default;
};

struct PlannedSend {
  int part = 1;  // 1-based, delivery_sends.part
  int parts = 1;
  std::string subject;
  std::optional<std::string> body;  // part 1 only; never empty
  std::vector<DocumentKey> documents;
};

struct SendPlan {
  bool body_overflow = false;  // the full body travels as message-body.txt
  std::vector<PlannedSend> sends;
};

// The full-body document: file name, content type; its bytes are relay_body itself.
std::string full_body_file_name();
std::string full_body_content_type();
// What follows the body prefix when the body overflows.
std::string_view body_overflow_note();

// relay_subject: normalised, at most max_subject_units UTF-16 units; relay_body: normalised, any
// length (empty counts as absent); both valid UTF-8. No body and no attachments: empty plan.
SendPlan plan_sends(std::string_view relay_subject, std::optional<std::string_view> relay_body,
                    const std::vector<PlannedAttachment>& attachments,
                    const SendLimits& limits = {});

}  // namespace relay::engine
