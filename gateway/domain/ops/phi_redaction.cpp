// Masking and error classes for the operations API. The error summary is a whitelist: a segment is
// kept only when the gateway itself wrote it (adapters/metriport/classification.cpp,
// gateway/relay/delivery_processor.cpp, the reaper, the status applier).
#include "gateway/domain/ops/phi_redaction.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "gateway/domain/text.hpp"

namespace relay::domain::ops {
namespace {

constexpr std::string_view mask_prefix = "\u2022\u2022\u2022";
constexpr std::string_view withheld = "(details withheld)";
constexpr std::string_view separator = ": ";

// Notes the state machine adds, the relay's step names, and its fixed reasons (and their parts).
constexpr std::array<std::string_view, 16> own_segments = {
    "attempts exhausted",
    "lease expired",
    "patient lookup",
    "document reference",
    "upload",
    "send",
    "earlier send lookup",
    "patient not found in Metriport",
    "no patient has this portal ExternalId",
    "the instance relaying it stopped or stalled",
    "internal error while relaying (see the gateway log)",
    "the message has neither body nor attachments",
    "planned attachment is missing from the message",
    "Metriport reported the delivery failed",
    "answer too large",
    "malformed HTTP answer",
};

// The Metriport client's transport stages (classification.cpp), alone or with " timed out" /
// " failed" after them.
constexpr std::array<std::string_view, 7> transport_stages = {
    "invalid request", "waiting for a connection", "DNS resolution",    "connect",
    "TLS handshake",   "writing the request",      "reading the answer"};

bool is_transport_segment(std::string_view segment) {
  constexpr std::string_view reused = " (reused connection)";
  if (segment.ends_with(reused)) segment.remove_suffix(reused.size());
  for (const auto stage : transport_stages) {
    if (!segment.starts_with(stage)) continue;
    const std::string_view rest = segment.substr(stage.size());
    if (rest.empty() || rest == " timed out" || rest == " failed") return true;
  }
  return false;
}

// "HTTP 503" when the segment starts with "HTTP " and three digits.
std::optional<std::string> http_status(std::string_view segment) {
  if (segment.size() < 8 || !segment.starts_with("HTTP ")) return std::nullopt;
  for (std::size_t i = 5; i < 8; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(segment[i]))) return std::nullopt;
  }
  if (segment.size() > 8 && segment[8] != ' ' && segment[8] != ':') return std::nullopt;
  return std::string(segment.substr(0, 8));
}

std::vector<std::string_view> split_segments(std::string_view text) {
  std::vector<std::string_view> segments;
  for (;;) {
    const auto at = text.find(separator);
    segments.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + separator.size());
  }
  return segments;
}

}  // namespace

std::string mask_external_id(std::string_view external_id) {
  const std::size_t length = is_valid_utf8(external_id) ? utf8_length(external_id) : 0;
  const std::size_t shown = std::min<std::size_t>(4, length / 2);
  std::string masked(mask_prefix);
  if (shown == 0) return masked;
  // The last `shown` code points: skip the first length - shown.
  const std::string_view skipped = utf8_prefix(external_id, length - shown);
  masked += external_id.substr(skipped.size());
  return masked;
}

std::optional<std::string> error_summary(const std::optional<std::string>& last_error) {
  if (!last_error || last_error->empty()) return std::nullopt;
  std::string summary;
  const auto keep = [&summary](std::string_view segment) {
    if (!summary.empty()) summary += separator;
    summary += segment;
  };
  bool complete = true;
  const auto segments = split_segments(*last_error);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string_view segment = segments[i];
    if (const auto status = http_status(segment)) {
      keep(*status);
      complete = segment.size() == status->size() && i + 1 == segments.size();
      break;
    }
    const bool own =
        std::find(own_segments.begin(), own_segments.end(), segment) != own_segments.end();
    if (!own && !is_transport_segment(segment)) {
      complete = false;
      break;
    }
    keep(segment);
  }
  if (!complete) keep(withheld);
  return summary;
}

}  // namespace relay::domain::ops
