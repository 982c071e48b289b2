// application/x-www-form-urlencoded bodies split into (key, value) pairs in order, keys decoded.
// Percent-decoding ('+' as a space) is Boost.URL's; decoded text must be UTF-8 without NUL.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace relay::portal {

struct FormPair {
  std::string key;                 // decoded
  std::string_view encoded_value;  // as sent (a view into the body); "" for a pair without '='
};

enum class FormPairProblem {
  too_many_pairs,     // more than max_pairs pairs
  key_too_long,       // a key longer than max_key_bytes as sent
  key_not_decodable,  // a key with bad percent-encoding, or not UTF-8 without NUL once decoded
};

struct FormPairError {
  FormPairProblem problem;
  std::size_t pair_number = 0;  // 1-based position of the offending pair
};

struct FormPairLimits {
  std::size_t max_pairs = 0;
  std::size_t max_key_bytes = 0;
};

// Pairs are separated by '&' and empty ones skipped ("a=1&&b=2&" has two); the first '=' ends the
// key. Counting stops at the first pair over the limit, so memory stays bounded on any body.
std::variant<std::vector<FormPair>, FormPairError> split_form(std::string_view body,
                                                              const FormPairLimits& limits);

// One key or value percent-decoded with '+' as a space; nullopt for a malformed escape ("%", "%4",
// "%zz") or decoded bytes that are not UTF-8 or hold NUL.
std::optional<std::string> decode_form_component(std::string_view encoded);

}  // namespace relay::portal
