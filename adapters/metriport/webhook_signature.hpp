// Check of the x-metriport-signature header of a webhook: hex HMAC-SHA256 of the raw body bytes,
// keyed with one of the account's webhook keys (two during a key rotation). Pure, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relay::metriport {

// True when signature_header (surrounding whitespace ignored, hex in either case) equals the hex
// HMAC-SHA256 of raw_body under at least one non-empty key. Every key is compared in constant
// time and all keys are always tried, so the timing does not tell which key matched.
// No keys (or only empty ones) never match.
bool webhook_signature_matches(std::string_view raw_body, std::string_view signature_header,
                               const std::vector<std::string>& keys);

}  // namespace relay::metriport
