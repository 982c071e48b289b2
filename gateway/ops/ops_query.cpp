// Parsing of the operations endpoints' query parameters into values or OpsError (400 naming the
// parameter).
#include "gateway/ops/ops_query.hpp"

#include <charconv>

#include "gateway/domain/text.hpp"

namespace relay::ops {

std::variant<domain::ops::DeliveryFilter, OpsError> delivery_filter_of(
    const api::RequestTarget& target, const std::vector<std::string_view>& also_allowed) {
  auto parsed = domain::ops::parse_delivery_filter(target.params, also_allowed);
  if (auto* refused = std::get_if<domain::ops::FilterError>(&parsed)) {
    return OpsError::bad_field(refused->field, refused->message);
  }
  return std::get<domain::ops::DeliveryFilter>(std::move(parsed));
}

std::variant<int, OpsError> page_size_of(const api::RequestTarget& target) {
  const std::string* text = target.param("limit");
  if (text == nullptr) return default_page_size;
  int value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 1 ||
      value > max_page_size) {
    return OpsError::bad_field("limit", "Must be a whole number from 1 to 500.");
  }
  return value;
}

std::variant<bool, OpsError> dry_run_of(const api::RequestTarget& target) {
  const std::string* text = target.param("dry_run");
  if (text == nullptr) return false;
  const std::string value = domain::to_lower_ascii(*text);
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return OpsError::bad_field("dry_run", "Must be true or false.");
}

}  // namespace relay::ops
