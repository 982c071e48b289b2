// Maps domain::StoredMessage onto the wire model; enum values are written in the portal's spelling.
// Files without loaded content (search rows) keep their name and carry a null FileData.
#include "gateway/api/message_mapping.hpp"

#include "gateway/domain/base64.hpp"
#include "gateway/domain/timestamps.hpp"

namespace relay::api {

portal::OutgoingSecureMessageModel to_portal_model(const domain::StoredMessage& message) {
  portal::OutgoingSecureMessageModel model;
  model.external_id = message.external_id;
  model.id = message.id;
  model.body = message.body;
  model.creation_date = domain::format_portal_timestamp(message.creation_date);
  std::vector<portal::FileAttachmentModel> files;
  files.reserve(message.files.size());
  for (const auto& file : message.files) {
    portal::FileAttachmentModel wire_file;
    wire_file.file_name = file.file_name;
    if (file.bytes) wire_file.file_data = domain::base64_encode(*file.bytes);
    files.push_back(std::move(wire_file));
  }
  model.file_data = std::move(files);
  model.from_secure_recipient_external_id = message.from_external_id;
  model.from_secure_recipient_name = message.from_name;
  std::vector<portal::PatientRecipientModel> patients;
  patients.reserve(message.patients.size());
  for (const auto& patient : message.patients) {
    patients.push_back(
        {patient.external_id, patient.is_representative, patient.representative_external_id});
  }
  model.patients = std::move(patients);
  model.priority = domain::to_string(message.priority);
  if (message.sent_date) model.sent_date = domain::format_portal_timestamp(*message.sent_date);
  model.status = domain::to_string(message.status);
  model.subject = message.subject;
  return model;
}

}  // namespace relay::api
