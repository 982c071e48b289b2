// Timestamps as the portal writes them (.NET "o" round-trip format with offset) and reads them in
// queries. All instants are microseconds since the Unix epoch, UTC.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/domain/message.hpp"

namespace relay::domain {

// "2026-05-29T16:57:00.3151690+00:00": seven fractional digits, UTC offset written out.
std::string format_portal_timestamp(EpochMicros instant);

// "2026-05-29T16:57:00.315Z": ISO 8601 UTC with milliseconds, as the operations API answers.
std::string format_iso8601_utc(EpochMicros instant);

// Accepts "YYYY-MM-DD" (midnight UTC) and "YYYY-MM-DDTHH:MM[:SS[.fraction]]" with "Z", "+HH:MM",
// "-HH:MM" or no offset (UTC). nullopt for anything else, including impossible dates.
std::optional<EpochMicros> parse_portal_timestamp(std::string_view text);

EpochMicros now_epoch_micros();

}  // namespace relay::domain
