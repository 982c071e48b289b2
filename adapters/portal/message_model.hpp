// The portal's OutgoingSecureMessageModel as it travels (JSON or XML), before validation.
// Every field is optional so the validator can name exactly what is missing; values stay as sent.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace relay::portal {

struct PatientRecipientModel {
  std::optional<std::string> external_id;
  std::optional<bool> is_representative;
  std::optional<std::string> representative_external_id;  // nullopt for nil / absent
  bool operator==(const PatientRecipientModel&) const = default;
};

struct FileAttachmentModel {
  std::optional<std::string> file_name;
  std::optional<std::string> file_data;  // base64 text exactly as sent
  bool operator==(const FileAttachmentModel&) const = default;
};

// Field order follows the DataContract order of the XML form (ExternalId, Id, then alphabetical).
struct OutgoingSecureMessageModel {
  std::optional<std::string> external_id;
  std::optional<std::string> id;
  std::optional<std::string> body;
  std::optional<std::string> creation_date;  // read only: kept as text, never validated
  std::optional<std::vector<FileAttachmentModel>> file_data;
  std::optional<std::string> from_secure_recipient_external_id;
  std::optional<std::string> from_secure_recipient_name;
  std::optional<std::vector<PatientRecipientModel>> patients;
  std::optional<std::string> priority;
  std::optional<std::string> sent_date;  // read only: kept as text, never validated
  std::optional<std::string> status;
  std::optional<std::string> subject;
  bool operator==(const OutgoingSecureMessageModel&) const = default;
};

}  // namespace relay::portal
