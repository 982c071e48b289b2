// The JSON of one inspected message: metadata, patients, files, deliveries with their sends, and
// one timeline in time order. Without a reveal it holds no PHI: patient ids masked, no subject,
// body, sender name, file bytes or Metriport free text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "adapters/postgres/message_inspection_store.hpp"

namespace relay::ops {

// The class of a delivery's last failure from its audit events (newest wins): the "class" the relay
// writes, else one implied by the event ("failed_by_metriport", "lease_expired"); none without one.
std::optional<std::string> last_failure_class(const pg::MessageInspection& message,
                                              std::int64_t delivery_id);

// Every audit event, Metriport send outcome and webhook, oldest first (ties keep that order).
boost::json::array message_timeline(const pg::MessageInspection& message);

// The whole answer; message.revealed decides whether PHI is in it.
boost::json::object message_view(const pg::MessageInspection& message);

}  // namespace relay::ops
