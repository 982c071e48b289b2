// Text normalisation exactly as Metriport applies it to subjects and bodies before validating.
// Intake checks lengths on the normalised text, so Metriport never refuses what intake accepted.
#pragma once

#include <string>
#include <string_view>

namespace relay::domain {

// Drops C0 control characters except tab, LF and CR (and DEL), then trims leading and trailing
// white space as JavaScript's String.prototype.trim does (ASCII and Unicode spaces, BOM, line
// separators). Input must be valid UTF-8.
std::string normalise_like_metriport(std::string_view text);

}  // namespace relay::domain
