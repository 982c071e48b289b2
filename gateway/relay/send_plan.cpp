// Splitting and truncation for Metriport's limits, counted in UTF-16 units like Metriport's zod
// validation; cuts only at code point boundaries so no UTF-8 sequence or surrogate pair is split.
#include "gateway/relay/send_plan.hpp"

#include <algorithm>

#include "gateway/domain/text.hpp"

namespace relay::engine {
namespace {

bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Longest prefix of text (valid UTF-8) with at most max_units UTF-16 units.
std::string_view prefix_within_units(std::string_view text, std::size_t max_units) {
  std::size_t units = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_continuation(c)) continue;
    const std::size_t width = (c >= 0xF0) ? 2 : 1;
    if (units + width > max_units) return text.substr(0, i);
    units += width;
  }
  return text;
}

// The last code point of non-empty valid UTF-8 text, and the offset where it starts.
char32_t last_code_point(std::string_view text, std::size_t& start) {
  start = text.size() - 1;
  while (start > 0 && is_continuation(static_cast<unsigned char>(text[start]))) --start;
  const auto lead = static_cast<unsigned char>(text[start]);
  const std::size_t length = text.size() - start;
  char32_t cp = (length == 1) ? lead : (lead & (0x7F >> length));
  for (std::size_t i = start + 1; i < text.size(); ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  }
  return cp;
}

// White space as JavaScript's String.prototype.trim sees it (what Metriport applies).
bool is_js_white_space(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

std::string_view trim_end(std::string_view text) {
  while (!text.empty()) {
    std::size_t start = 0;
    if (!is_js_white_space(last_code_point(text, start))) break;
    text = text.substr(0, start);
  }
  return text;
}

// The body of part 1: the whole body, or a prefix that fits together with the overflow note.
std::optional<std::string> body_for_send(std::string_view body, std::size_t max_units,
                                         bool& overflow) {
  overflow = domain::utf16_length(body) > max_units;
  if (!overflow) return std::string(body);
  const std::size_t note_units = domain::utf16_length(body_overflow_note());
  if (note_units > max_units) return std::nullopt;  // only absurd limits; the document has it all
  std::string result(trim_end(prefix_within_units(body, max_units - note_units)));
  result += body_overflow_note();
  return result;
}

std::string part_subject(std::string_view subject, int part, int parts, std::size_t max_units) {
  const std::string suffix = " (" + std::to_string(part) + "/" + std::to_string(parts) + ")";
  const std::size_t suffix_units = suffix.size();  // ASCII
  const std::size_t room = max_units > suffix_units ? max_units - suffix_units : 0;
  std::string_view base = subject;
  if (domain::utf16_length(base) > room) base = trim_end(prefix_within_units(base, room));
  return std::string(base) + suffix;
}

}  // namespace

std::string full_body_file_name() {
  return "message-body.txt";
}

std::string full_body_content_type() {
  return "text/plain; charset=utf-8";
}

std::string_view body_overflow_note() {
  return "\n\n[The full message continues in the attached file message-body.txt]";
}

SendPlan plan_sends(std::string_view relay_subject, std::optional<std::string_view> relay_body,
                    const std::vector<PlannedAttachment>& attachments, const SendLimits& limits) {
  SendPlan plan;
  std::optional<std::string> body;
  if (relay_body && !relay_body->empty()) {
    body = body_for_send(*relay_body, limits.max_body_units, plan.body_overflow);
  }

  std::vector<DocumentKey> documents;
  if (plan.body_overflow) documents.push_back(DocumentKey{std::nullopt});
  for (const PlannedAttachment& attachment : attachments) {
    documents.push_back(DocumentKey{attachment.attachment_id});
  }
  if (!body && documents.empty()) return plan;

  const std::size_t per_send = std::max<std::size_t>(1, limits.max_attachments_per_send);
  const std::size_t parts = std::max<std::size_t>(1, (documents.size() + per_send - 1) / per_send);
  for (std::size_t index = 0; index < parts; ++index) {
    PlannedSend send;
    send.part = static_cast<int>(index + 1);
    send.parts = static_cast<int>(parts);
    send.subject =
        parts == 1 ? std::string(relay_subject)
                   : part_subject(relay_subject, send.part, send.parts, limits.max_subject_units);
    if (index == 0) send.body = body;
    const std::size_t first = index * per_send;
    const std::size_t last = std::min(documents.size(), first + per_send);
    send.documents.assign(documents.begin() + static_cast<std::ptrdiff_t>(first),
                          documents.begin() + static_cast<std::ptrdiff_t>(last));
    plan.sends.push_back(std::move(send));
  }
  return plan;
}

}  // namespace relay::engine
