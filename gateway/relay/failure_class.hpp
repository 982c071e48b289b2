// The class of a delivery's failure, written as "class" in the relay's transition audit events:
// Metriport's call outcomes, or what went wrong on the gateway's side. Never free text.
#pragma once

#include <string_view>

namespace relay::engine::failure_class {

// A Metriport call failed: metriport::to_string(CallOutcome) of the answer (or of its absence).
inline constexpr std::string_view transient = "transient";
inline constexpr std::string_view rate_limited = "rate_limited";  // a 429
inline constexpr std::string_view permanent = "permanent";
inline constexpr std::string_view ambiguous = "ambiguous";

// Metriport answered, but has no patient with the portal ExternalId (the delivery is dead).
inline constexpr std::string_view patient_not_found = "patient_not_found";
// The gateway's side: nothing to send, a planned attachment missing, an unexpected error, and a
// delivery handed back at shutdown while it waited for a send slot (no 429 involved).
inline constexpr std::string_view nothing_to_send = "nothing_to_send";
inline constexpr std::string_view attachment_missing = "attachment_missing";
inline constexpr std::string_view internal = "internal";
inline constexpr std::string_view shutdown = "shutdown";

// True for the classes that describe a failed Metriport call (what Metriport health counts).
constexpr bool is_metriport_call(std::string_view name) {
  return name == transient || name == rate_limited || name == permanent || name == ambiguous;
}

}  // namespace relay::engine::failure_class
