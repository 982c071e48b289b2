// What viewers and operators may see of values that can be PHI: a patient's external id masked to
// its last characters, and a delivery's last error cut to its leading class (step, HTTP status).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relay::domain::ops {

// "•••1234": the last 4 characters, and never more than half of the id, so a short id is never
// shown whole ("P1" -> "•••1", "" -> "•••").
std::string mask_external_id(std::string_view external_id);

// The leading class of deliveries.last_error, built only from the gateway's own words: notes
// ("attempts exhausted"), steps ("send", "patient lookup", ...), transport failures ("connect
// timed out"), "HTTP 503", and the gateway's fixed reasons. Whatever follows (Metriport's
// title/detail, a webhook's failure reason, a transport error text) may echo a value and is
// replaced by "(details withheld)". nullopt for no error.
std::optional<std::string> error_summary(const std::optional<std::string>& last_error);

}  // namespace relay::domain::ops
