// The operators' delivery filter in SQL: one fixed FROM/WHERE text whose conditions each take one
// parameter ($1..$7) and hold when it is NULL, so no value ever becomes part of the SQL text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "gateway/domain/ops/delivery_filter.hpp"

namespace relay::pg {

// $1 states (text[]), $2 vendor name, $3 sender, $4 patient external id, $5 ILIKE pattern of
// last_error, $6/$7 created_at from (inclusive) / to (exclusive) in microseconds since the epoch.
// Callers append " AND ..." conditions numbered from $8 and their ORDER BY / LIMIT.
inline constexpr const char* delivery_filter_from_where = R"sql(
FROM deliveries d
JOIN messages m ON m.id = d.message_id
JOIN vendors v ON v.id = d.vendor_id
WHERE ($1::text[] IS NULL OR d.state = ANY($1::text[]))
  AND ($2::text IS NULL OR v.name = $2::text)
  AND ($3::text IS NULL OR m.from_external_id = $3::text)
  AND ($4::text IS NULL OR d.patient_external_id = $4::text)
  AND ($5::text IS NULL OR d.last_error ILIKE $5::text ESCAPE '\')
  AND ($6::bigint IS NULL
       OR d.created_at >= timestamptz 'epoch' + $6::bigint * interval '1 microsecond')
  AND ($7::bigint IS NULL
       OR d.created_at < timestamptz 'epoch' + $7::bigint * interval '1 microsecond'))sql";

// The values of $1..$7 for a filter (NULL for a condition that is not set).
struct DeliveryFilterParams {
  std::optional<std::string> states;  // array literal
  std::optional<std::string> vendor;
  std::optional<std::string> sender;
  std::optional<std::string> patient_external_id;
  std::optional<std::string> error_pattern;
  std::optional<std::int64_t> created_from;
  std::optional<std::int64_t> created_to;
};

DeliveryFilterParams filter_params(const domain::ops::DeliveryFilter& filter);

// Runs sql (which starts with the filter's $1..$7) with the filter's values and then extra.
template <class... Extra>
pqxx::result exec_filtered(pqxx::transaction_base& tx, const std::string& sql,
                           const DeliveryFilterParams& p, const Extra&... extra) {
  return tx.exec_params(sql, p.states, p.vendor, p.sender, p.patient_external_id, p.error_pattern,
                        p.created_from, p.created_to, extra...);
}

}  // namespace relay::pg
