// Conversions from message rows to domain::StoredMessage and the per-page loaders of patients and
// file names, shared by find_by_external_id and search so both read a message the same way.
#include "adapters/postgres/message_rows.hpp"

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
