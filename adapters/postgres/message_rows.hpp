// Reading stored messages back: the column list both reads select, conversions between domain enums
// (and bytea) and their column values, and the one-query-per-page loaders of patients and files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "gateway/domain/message.hpp"

namespace relay::pg {

// The columns message_from_row expects, in order, for "FROM messages m". Spliced into the SELECTs
// of message_repository.cpp and message_search.cpp at compile time.
#define RELAY_PG_MESSAGE_COLUMNS                                                                 \
  "m.id::text, m.vendor_id, m.external_id, m.from_external_id, m.from_name, m.subject, m.body, " \
  "m.portal_status, m.requested_status, m.priority, "                                            \
  "(extract(epoch FROM m.creation_date) * 1000000)::bigint, "                                    \
  "(extract(epoch FROM m.sent_date) * 1000000)::bigint, m.content_hash"

inline constexpr int message_column_count = 13;

domain::StoredMessage message_from_row(const pqxx::row& row);

// A nullable column (libpqxx 6.4's field::get<T>() does not compile under C++20).
template <class T>
std::optional<T> nullable(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<T>();
}

// The bytes of a non-null bytea column of a text-format result.
std::string bytea_from_field(const pqxx::field& field);

// Column values: priority 0 Low, 1 Normal, 2 High; statuses spelled 'Draft' / 'Sent'.
int priority_to_column(domain::Priority priority);
domain::Priority priority_from_column(int value);

// Fills patients (and file names without bytes) of every message in one query each.
void load_patients(pqxx::transaction_base& tx, std::vector<domain::StoredMessage>& messages);
void load_file_names(pqxx::transaction_base& tx, std::vector<domain::StoredMessage>& messages);

}  // namespace relay::pg
