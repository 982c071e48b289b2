// Conversions from message rows to domain::StoredMessage (bytea included) and the per-page loaders
// of patients and file names, shared by find_by_external_id and search so both read alike.
#include "adapters/postgres/message_rows.hpp"

#include <array>
#include <string_view>
#include <unordered_map>

#include "adapters/postgres/array_literal.hpp"

namespace relay::pg {
namespace {

constexpr const char* message_patients_for_messages = R"sql(
SELECT message_id::text, external_id, is_representative, representative_external_id
FROM message_patients
WHERE message_id = ANY($1::uuid[])
ORDER BY message_id, position)sql";

constexpr const char* attachment_names_for_messages = R"sql(
SELECT message_id::text, file_name
FROM attachments
WHERE message_id = ANY($1::uuid[])
ORDER BY message_id, position)sql";

// Message id -> index in `messages`, and the ids as a uuid[] literal.
struct PageIds {
  std::unordered_map<std::string, std::size_t> index;
  std::string literal;
};

constexpr std::array<signed char, 256> hex_digit_values() {
  std::array<signed char, 256> values{};
  for (auto& value : values) value = -1;
  for (int i = 0; i < 10; ++i) values['0' + i] = static_cast<signed char>(i);
  for (int i = 0; i < 6; ++i) {
    values['a' + i] = static_cast<signed char>(10 + i);
    values['A' + i] = static_cast<signed char>(10 + i);
  }
  return values;
}

PageIds page_ids(const std::vector<domain::StoredMessage>& messages) {
  PageIds ids;
  std::vector<std::string> list;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ids.index.emplace(messages[i].id, i);
    list.push_back(messages[i].id);
  }
  ids.literal = text_array_literal(list);
  return ids;
}

}  // namespace

// libpqxx 6.4 asks for text results, where bytea is "\x" and two hex digits per byte (bytea_output
// = hex, the default). Decoding straight into the string is about 6x faster than
// pqxx::binarystring(field).str(), which unescapes into a buffer of its own and then copies it
// (21 MiB: 27 ms instead of 180 ms). Anything else (bytea_output = escape) goes through libpq.
std::string bytea_from_field(const pqxx::field& field) {
  static constexpr std::array<signed char, 256> kHex = hex_digit_values();
  const std::string_view text(field.c_str(), field.size());
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) {
    return pqxx::binarystring(field).str();
  }
  std::string bytes((text.size() - 2) / 2, '\0');
  const auto* digits = reinterpret_cast<const unsigned char*>(text.data() + 2);
  int invalid = 0;  // negative once any digit was not hex; checked once, after the loop
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = kHex[digits[2 * i]];
    const int low = kHex[digits[2 * i + 1]];
    invalid |= high | low;
    bytes[i] = static_cast<char>(((high & 0xF) << 4) | (low & 0xF));
  }
  if (invalid < 0) return pqxx::binarystring(field).str();
  return bytes;
}

int priority_to_column(domain::Priority priority) {
  switch (priority) {
    case domain::Priority::low:
      return 0;
    case domain::Priority::normal:
      return 1;
    case domain::Priority::high:
      return 2;
  }
  return 1;
}

domain::Priority priority_from_column(int value) {
  if (value <= 0) return domain::Priority::low;
  if (value >= 2) return domain::Priority::high;
  return domain::Priority::normal;
}

domain::StoredMessage message_from_row(const pqxx::row& row) {
  domain::StoredMessage message;
  message.id = row[0].as<std::string>();
  message.vendor_id = row[1].as<std::int64_t>();
  message.external_id = row[2].as<std::string>();
  message.from_external_id = row[3].as<std::string>();
  message.from_name = nullable<std::string>(row[4]);
  message.subject = nullable<std::string>(row[5]);
  message.body = nullable<std::string>(row[6]);
  message.status =
      row[7].as<std::string>() == "Sent" ? domain::PortalStatus::sent : domain::PortalStatus::draft;
  message.requested_status =
      domain::parse_status(row[8].as<std::string>()).value_or(domain::RequestedStatus::draft);
  message.priority = priority_from_column(row[9].as<int>());
  message.creation_date = row[10].as<domain::EpochMicros>();
  message.sent_date = nullable<domain::EpochMicros>(row[11]);
  message.content_hash = row[12].as<std::string>();
  return message;
}

void load_patients(pqxx::transaction_base& tx, std::vector<domain::StoredMessage>& messages) {
  if (messages.empty()) return;
  const PageIds ids = page_ids(messages);
  for (const auto& row : tx.exec_params(message_patients_for_messages, ids.literal)) {
    domain::Recipient patient;
    patient.external_id = row[1].as<std::string>();
    patient.is_representative = row[2].as<bool>();
    patient.representative_external_id = nullable<std::string>(row[3]);
    messages[ids.index.at(row[0].as<std::string>())].patients.push_back(std::move(patient));
  }
}

void load_file_names(pqxx::transaction_base& tx, std::vector<domain::StoredMessage>& messages) {
  if (messages.empty()) return;
  const PageIds ids = page_ids(messages);
  for (const auto& row : tx.exec_params(attachment_names_for_messages, ids.literal)) {
    messages[ids.index.at(row[0].as<std::string>())].files.push_back(
        {row[1].as<std::string>(), std::nullopt});
  }
}

}  // namespace relay::pg
