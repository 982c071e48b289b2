// Query parameters shared by the operations endpoints: the delivery filter (one parser with the
// CLI), the page size, and dry_run; each refusal names the parameter, never its value.
#pragma once

#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "gateway/api/request_target.hpp"
#include "gateway/domain/ops/delivery_filter.hpp"
#include "gateway/ops/ops_responses.hpp"

namespace relay::ops {

inline constexpr int default_page_size = 50;
inline constexpr int max_page_size = 500;

// The filter of the request's query; also_allowed: the endpoint's own other parameters.
std::variant<domain::ops::DeliveryFilter, OpsError> delivery_filter_of(
    const api::RequestTarget& target, const std::vector<std::string_view>& also_allowed);

// limit: 1..500, default 50.
std::variant<int, OpsError> page_size_of(const api::RequestTarget& target);

// dry_run: true|false|1|0 (case-insensitive), default false.
std::variant<bool, OpsError> dry_run_of(const api::RequestTarget& target);

}  // namespace relay::ops
