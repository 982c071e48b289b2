// Parsing of the operators' delivery filter: every refusal names the parameter and the rule, never
// the value (a patient id or an error text may be PHI).
#include "gateway/domain/ops/delivery_filter.hpp"

#include <algorithm>

#include "gateway/domain/ops/phi_redaction.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/domain/timestamps.hpp"

namespace relay::domain::ops {
namespace {

constexpr std::size_t max_parameter_name_chars = 64;

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

std::optional<FilterError> check_text(std::string_view field, std::string_view value) {
  if (value.empty()) return FilterError{std::string(field), "Must not be empty."};
  if (!is_valid_utf8(value) || has_control_character(value)) {
    return FilterError{std::string(field), "Must be text without control characters."};
  }
  if (utf8_length(value) > max_filter_value_chars) {
    return FilterError{std::string(field), "Must be at most 200 characters."};
  }
  return std::nullopt;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

bool is_state_name(std::string_view name) {
  return std::find(delivery_state_names.begin(), delivery_state_names.end(), name) !=
         delivery_state_names.end();
}

std::variant<std::vector<std::string>, FilterError> parse_states(std::string_view text) {
  std::vector<std::string> states;
  for (;;) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    if (!is_state_name(item)) {
      return FilterError{"state",
                         "Must be one or a comma-separated list of: draft, queued, resolving, "
                         "uploading, sending, accepted, completed, failed, retry_wait, dead, "
                         "cancelled."};
    }
    if (std::find(states.begin(), states.end(), item) == states.end()) {
      states.emplace_back(item);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return states;
}

std::variant<EpochMicros, FilterError> parse_time(std::string_view field, std::string_view text) {
  const auto instant = parse_portal_timestamp(text);
  if (!instant) {
    return FilterError{std::string(field),
                       "Must be an ISO 8601 date or time, e.g. 2026-05-29 or "
                       "2026-05-29T16:57:00Z."};
  }
  return *instant;
}

}  // namespace

bool DeliveryFilter::matches_everything() const {
  return states.empty() && !vendor && !sender && !patient_external_id && !error && !created_from &&
         !created_to;
}

std::map<std::string, std::string> DeliveryFilter::describe() const {
  std::map<std::string, std::string> described;
  if (!states.empty()) {
    std::string joined;
    for (const auto& state : states) joined += (joined.empty() ? "" : ",") + state;
    described["state"] = joined;
  }
  if (vendor) described["vendor"] = *vendor;
  if (sender) described["sender"] = *sender;
  if (patient_external_id)
    described["patient_external_id"] = mask_external_id(*patient_external_id);
  if (error) described["error"] = *error;
  if (created_from) described["created_from"] = format_iso8601_utc(*created_from);
  if (created_to) described["created_to"] = format_iso8601_utc(*created_to);
  return described;
}

std::variant<DeliveryFilter, FilterError> parse_delivery_filter(
    const std::map<std::string, std::string>& params,
    const std::vector<std::string_view>& also_allowed) {
  DeliveryFilter filter;
  for (const auto& [name, value] : params) {
    if (std::find(also_allowed.begin(), also_allowed.end(), name) != also_allowed.end()) continue;
    if (std::find(delivery_filter_parameters.begin(), delivery_filter_parameters.end(), name) ==
        delivery_filter_parameters.end()) {
      // The field names the parameter when it is printable, else says "parameter".
      const bool printable = !name.empty() && is_valid_utf8(name);
      return FilterError{std::string(utf8_prefix(printable ? std::string_view(name) : "parameter",
                                                 max_parameter_name_chars)),
                         "Unknown parameter."};
    }
    if (auto refused = check_text(name, value)) return *refused;
    if (name == "state") {
      auto states = parse_states(value);
      if (auto* error = std::get_if<FilterError>(&states)) return *error;
      filter.states = std::move(std::get<std::vector<std::string>>(states));
    } else if (name == "vendor") {
      filter.vendor = value;
    } else if (name == "sender") {
      filter.sender = value;
    } else if (name == "patient_external_id") {
      filter.patient_external_id = value;
    } else if (name == "error") {
      filter.error = value;
    } else {
      auto instant = parse_time(name, value);
      if (auto* error = std::get_if<FilterError>(&instant)) return *error;
      (name == "created_from" ? filter.created_from : filter.created_to) =
          std::get<EpochMicros>(instant);
    }
  }
  if (filter.created_from && filter.created_to && *filter.created_from >= *filter.created_to) {
    return FilterError{"created_to", "Must be later than created_from."};
  }
  return filter;
}

}  // namespace relay::domain::ops
