// The operators' filter over deliveries (state, vendor, sender, patient, error text, creation
// time), parsed once from name/value parameters for the listing, the bulk actions and the CLI
// alike.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/domain/message.hpp"

namespace relay::domain::ops {

// Every delivery state, spelled like deliveries.state (gateway/relay/delivery_state.hpp; a unit
// test keeps the two lists equal).
inline constexpr std::array<std::string_view, 11> delivery_state_names = {
    "draft",     "queued", "resolving",  "uploading", "sending",  "accepted",
    "completed", "failed", "retry_wait", "dead",      "cancelled"};

inline constexpr std::size_t max_filter_value_chars = 200;

struct DeliveryFilter {
  std::vector<std::string> states;                 // any of these; empty: every state
  std::optional<std::string> vendor;               // vendor name, exact
  std::optional<std::string> sender;               // FromSecureRecipientExternalId, exact
  std::optional<std::string> patient_external_id;  // exact
  std::optional<std::string> error;                // case-insensitive substring of last_error
  std::optional<EpochMicros> created_from;         // created_at >= this
  std::optional<EpochMicros> created_to;           // created_at < this

  // True when no condition is set (the filter matches every delivery).
  bool matches_everything() const;
  // The set conditions as parameter name -> value for audit events: states comma-joined, times
  // ISO 8601, the patient's external id masked (audit events carry no PHI).
  std::map<std::string, std::string> describe() const;
};

// A refused parameter: the field it names and why, never its value.
struct FilterError {
  std::string field;
  std::string message;
};

// The filter's parameter names, as the operations API and the CLI spell them.
inline constexpr std::array<std::string_view, 7> delivery_filter_parameters = {
    "state", "vendor", "sender", "patient_external_id", "error", "created_from", "created_to"};

// Parses the filter parameters of params (lower-cased names). Names listed in also_allowed belong
// to the caller (limit, cursor, dry_run) and are skipped; any other name is refused (a typo in a
// bulk action must not widen it to everything). Values: non-empty, at most 200 characters, no
// control characters; state a comma list of known states; times as ISO 8601 with created_from
// before created_to.
std::variant<DeliveryFilter, FilterError> parse_delivery_filter(
    const std::map<std::string, std::string>& params,
    const std::vector<std::string_view>& also_allowed = {});

}  // namespace relay::domain::ops
