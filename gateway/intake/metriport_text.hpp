// Text normalisation exactly as Metriport applies it to subjects and bodies before validating them.
// Intake checks lengths on the normalised text so a message accepted here is never refused by
// Metriport.
#pragma once

#include <string>
#include <string_view>

namespace relay::intake {

// Drops C0 control characters except tab, LF and CR (and DEL), then trims leading and trailing
// white space as JavaScript's String.prototype.trim does (ASCII and Unicode spaces, BOM, line
// separators). Input must be valid UTF-8.
std::string normalise_like_metriport(std::string_view text);

}  // namespace relay::intake
