// Values of the delivery filter's parameters: the states as one array literal, the error text as an
// escaped "contains" pattern.
#include "adapters/postgres/delivery_filter_sql.hpp"

#include "adapters/postgres/array_literal.hpp"
#include "adapters/postgres/like_pattern.hpp"

namespace relay::pg {

DeliveryFilterParams filter_params(const domain::ops::DeliveryFilter& filter) {
  DeliveryFilterParams params;
  if (!filter.states.empty()) params.states = text_array_literal(filter.states);
  params.vendor = filter.vendor;
  params.sender = filter.sender;
  params.patient_external_id = filter.patient_external_id;
  if (filter.error) params.error_pattern = contains_pattern(*filter.error);
  params.created_from = filter.created_from;
  params.created_to = filter.created_to;
  return params;
}

}  // namespace relay::pg
