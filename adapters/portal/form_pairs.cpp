// split_form and decode_form_component: a linear scan for '&' and '=', Boost.URL for the escapes
// (make_pct_string_view validates them, decode() applies them).
#include "adapters/portal/form_pairs.hpp"

#include <algorithm>

#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>

#include "gateway/domain/text.hpp"

namespace relay::portal {

std::optional<std::string> decode_form_component(std::string_view encoded) {
  const auto escaped = boost::urls::make_pct_string_view(encoded);
  if (!escaped) return std::nullopt;
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  std::string decoded = escaped->decode(options);
  if (!domain::is_valid_utf8(decoded) || decoded.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  return decoded;
}

std::variant<std::vector<FormPair>, FormPairError> split_form(std::string_view body,
                                                              const FormPairLimits& limits) {
  std::vector<FormPair> pairs;
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find('&', start), body.size());
    const std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const std::size_t number = pairs.size() + 1;
    if (pairs.size() >= limits.max_pairs)
      return FormPairError{FormPairProblem::too_many_pairs, number};
    const std::size_t equals = pair.find('=');
    const std::string_view encoded_key = pair.substr(0, equals);
    if (encoded_key.size() > limits.max_key_bytes) {
      return FormPairError{FormPairProblem::key_too_long, number};
    }
    auto key = decode_form_component(encoded_key);
    if (!key) return FormPairError{FormPairProblem::key_not_decodable, number};
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    pairs.push_back(FormPair{std::move(*key), value});
  }
  return pairs;
}

}  // namespace relay::portal
