// Names of the message enums as the portal spells them, and case-insensitive parsing of client
// values. Clients send "sent", "SENT" or "Sent": all mean the same value.
#include "gateway/domain/message.hpp"

#include "gateway/domain/text.hpp"

namespace relay::domain {

const char* to_string(Priority priority) {
  switch (priority) {
    case Priority::low:
      return "Low";
    case Priority::normal:
      return "Normal";
    case Priority::high:
      return "High";
  }
  return "Normal";
}

const char* to_string(RequestedStatus status) {
  return status == RequestedStatus::sent ? "Sent" : "Draft";
}

const char* to_string(PortalStatus status) {
  return status == PortalStatus::sent ? "Sent" : "Draft";
}

std::optional<Priority> parse_priority(std::string_view text) {
  if (iequals(text, "Low")) return Priority::low;
  if (iequals(text, "Normal")) return Priority::normal;
  if (iequals(text, "High")) return Priority::high;
  return std::nullopt;
}

std::optional<RequestedStatus> parse_status(std::string_view text) {
  if (iequals(text, "Draft")) return RequestedStatus::draft;
  if (iequals(text, "Sent")) return RequestedStatus::sent;
  return std::nullopt;
}

}  // namespace relay::domain
