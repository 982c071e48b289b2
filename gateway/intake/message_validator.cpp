// The intake rules: required fields, enum values, patients, subject and body after Metriport's
// normalisation, base64 attachments within the configured limits, and a route for the sender.
#include "gateway/intake/message_validator.hpp"

#include <set>
#include <string>

#include "gateway/domain/base64.hpp"
#include "gateway/domain/digest.hpp"
#include "gateway/domain/metriport_text.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/intake/content_type.hpp"

namespace relay::intake {
namespace {

using domain::FieldError;
using domain::normalise_like_metriport;

class Errors {
 public:
  void add(std::string field, std::string message) {
    fields_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return fields_.empty(); }
  domain::RequestError take() {
    domain::RequestError error;
    error.fields = std::move(fields_);
    return error;
  }

 private:
  std::vector<FieldError> fields_;
};

// Characters an identifier must not hold, in valid UTF-8: C0 controls and DEL, C1 controls
// (U+0080..U+009F), the line and paragraph separators (U+2028, U+2029), and the bidi embeddings,
// overrides and isolates (U+202A..U+202E, U+2066..U+2069), which make an ID display as something
// other than what it is (in logs, the operator view, and Metriport's records).
bool has_control_characters(std::string_view text) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = byte(i);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size() && byte(i + 1) <= 0x9F) return true;  // C2 80..C2 9F
    if (c == 0xE2 && i + 2 < text.size()) {
      const unsigned char second = byte(i + 1);
      const unsigned char third = byte(i + 2);
      if (second == 0x80 && third >= 0xA8 && third <= 0xAE) return true;  // U+2028..U+202E
      if (second == 0x81 && third >= 0xA6 && third <= 0xA9) return true;  // U+2066..U+2069
    }
  }
  return false;
}

// Base64 symbols (padding included) in text, leaving out the white space base64_decode skips, so
// line-wrapped base64 is sized by what it decodes to.
std::size_t base64_symbol_count(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) count += !(c == ' ' || c == '\n' || c == '\r' || c == '\t');
  return count;
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Checks an identifier: present, not blank, valid UTF-8, no control characters, within the limit.
void check_identifier(Errors& errors, const std::string& field, const std::string& label,
                      const std::optional<std::string>& value, std::size_t max_chars,
                      bool required) {
  if (!value || is_blank(*value)) {
    if (required) errors.add(field, "The " + label + " field is required.");
    return;
  }
  if (!domain::is_valid_utf8(*value)) {
    errors.add(field, "The " + label + " field must be valid UTF-8 text.");
  } else if (has_control_characters(*value)) {
    errors.add(field, "The " + label + " field must not contain control characters.");
  } else if (domain::utf8_length(*value) > max_chars) {
    errors.add(field, "The " + label + " field is longer than " + std::to_string(max_chars) +
                          " characters.");
  }
}

std::string index_field(const char* list, std::size_t index, const char* member) {
  return std::string("model.") + list + "[" + std::to_string(index) + "]." + member;
}

std::vector<domain::Recipient> check_patients(Errors& errors,
                                              const portal::OutgoingSecureMessageModel& model,
                                              const config::IntakeLimits& limits) {
  std::vector<domain::Recipient> patients;
  if (!model.patients || model.patients->empty()) {
    errors.add("model.Patients", "At least one patient is required in Patients.");
    return patients;
  }
  if (model.patients->size() > limits.max_patients) {
    errors.add("model.Patients", "Patients has " + std::to_string(model.patients->size()) +
                                     " entries; at most " + std::to_string(limits.max_patients) +
                                     " are allowed per message.");
    return patients;
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < model.patients->size(); ++i) {
    const auto& patient = (*model.patients)[i];
    check_identifier(errors, index_field("Patients", i, "ExternalId"), "ExternalId",
                     patient.external_id, limits.max_id_chars, true);
    check_identifier(errors, index_field("Patients", i, "RepresentativeExternalId"),
                     "RepresentativeExternalId", patient.representative_external_id,
                     limits.max_id_chars, false);
    if (patient.external_id && !is_blank(*patient.external_id) &&
        !seen.insert(*patient.external_id).second) {
      errors.add(index_field("Patients", i, "ExternalId"),
                 "The same patient ExternalId appears more than once in Patients.");
    }
    patients.push_back({patient.external_id.value_or(""), patient.is_representative.value_or(false),
                        patient.representative_external_id});
  }
  return patients;
}

std::vector<domain::Attachment> check_attachments(Errors& errors,
                                                  const portal::OutgoingSecureMessageModel& model,
                                                  const config::IntakeLimits& limits) {
  std::vector<domain::Attachment> attachments;
  if (!model.file_data) return attachments;
  if (model.file_data->size() > limits.max_attachments) {
    errors.add("model.FileData", "FileData has " + std::to_string(model.file_data->size()) +
                                     " files; at most " + std::to_string(limits.max_attachments) +
                                     " are allowed per message.");
    return attachments;
  }
  std::size_t total_bytes = 0;
  for (std::size_t i = 0; i < model.file_data->size(); ++i) {
    const auto& file = (*model.file_data)[i];
    const auto name_field = index_field("FileData", i, "FileName");
    const auto data_field = index_field("FileData", i, "FileData");
    check_identifier(errors, name_field, "FileName", file.file_name, limits.max_file_name_chars,
                     true);
    if (file.file_name && file.file_name->find_first_of("/\\") != std::string::npos) {
      errors.add(name_field, "The FileName field must be a file name without a path.");
    }
    if (!file.file_data || file.file_data->empty()) {
      errors.add(data_field,
                 "The FileData field is required and must hold the file's bytes in base64.");
      continue;
    }
    // Reject before decoding when even the encoded size proves the file too large (n symbols decode
    // to at least n / 4 * 3 - 2 bytes), so decoding never allocates much more than the limit.
    if (base64_symbol_count(*file.file_data) / 4 * 3 > limits.max_attachment_bytes + 2) {
      errors.add(data_field, "The file is larger than the limit of " +
                                 std::to_string(limits.max_attachment_bytes) + " bytes.");
      continue;
    }
    auto bytes = domain::base64_decode(*file.file_data);
    if (!bytes) {
      errors.add(data_field, "The FileData field is not valid base64.");
      continue;
    }
    if (bytes->empty()) {
      errors.add(data_field, "The file is empty; attachments must have content.");
      continue;
    }
    if (bytes->size() > limits.max_attachment_bytes) {
      errors.add(data_field, "The file is " + std::to_string(bytes->size()) +
                                 " bytes; the limit is " +
                                 std::to_string(limits.max_attachment_bytes) + " bytes.");
      continue;
    }
    total_bytes += bytes->size();
    const std::string file_name = file.file_name.value_or("");
    domain::Attachment attachment;
    attachment.file_name = file_name;
    attachment.content_type = content_type_for_file_name(file_name);
    attachment.sha256_hex = domain::sha256_hex(*bytes);
    attachment.bytes = std::move(*bytes);
    attachments.push_back(std::move(attachment));
  }
  if (total_bytes > limits.max_total_attachment_bytes) {
    errors.add("model.FileData", "The files add up to " + std::to_string(total_bytes) +
                                     " bytes; the limit per message is " +
                                     std::to_string(limits.max_total_attachment_bytes) + " bytes.");
  }
  return attachments;
}

// Free text may hold control characters (Metriport strips them when sending), but not NUL:
// PostgreSQL text cannot store it and XML cannot carry it. Returns whether the text is usable.
bool check_text(Errors& errors, const char* field, const char* label,
                const std::optional<std::string>& value) {
  if (!value) return true;
  if (!domain::is_valid_utf8(*value)) {
    errors.add(field, std::string("The ") + label + " field must be valid UTF-8 text.");
    return false;
  }
  if (value->find('\0') != std::string::npos) {
    errors.add(field, std::string("The ") + label + " field must not contain the NUL character.");
    return false;
  }
  return true;
}

void append_field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

void append_optional(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    out += '+';
    append_field(out, *value);
  } else {
    out += "-;";
  }
}

}  // namespace

std::string content_hash(const domain::ValidatedMessage& message) {
  std::string canonical = "relay-message-v1;";
  append_field(canonical, message.external_id);
  append_field(canonical, message.from_external_id);
  append_optional(canonical, message.from_name);
  append_optional(canonical, message.subject);
  append_optional(canonical, message.body);
  append_field(canonical, domain::to_string(message.status));
  append_field(canonical, domain::to_string(message.priority));
  append_field(canonical, std::to_string(message.patients.size()));
  for (const auto& patient : message.patients) {
    append_field(canonical, patient.external_id);
    append_field(canonical, patient.is_representative ? "1" : "0");
    append_optional(canonical, patient.representative_external_id);
  }
  append_field(canonical, std::to_string(message.attachments.size()));
  for (const auto& attachment : message.attachments) {
    append_field(canonical, attachment.file_name);
    append_field(canonical, attachment.sha256_hex);
  }
  return domain::sha256_hex(canonical);
}

domain::Outcome<domain::ValidatedMessage> validate_message(
    const portal::OutgoingSecureMessageModel& model, const config::IntakeLimits& limits,
    const config::RoutingTable& routing, const std::string& vendor_name) {
  Errors errors;
  domain::ValidatedMessage message;

  check_identifier(errors, "model.ExternalId", "ExternalId", model.external_id, limits.max_id_chars,
                   true);
  check_identifier(errors, "model.FromSecureRecipientExternalId", "FromSecureRecipientExternalId",
                   model.from_secure_recipient_external_id, limits.max_id_chars, true);
  check_text(errors, "model.FromSecureRecipientName", "FromSecureRecipientName",
             model.from_secure_recipient_name);
  if (model.from_secure_recipient_name &&
      domain::utf8_length(*model.from_secure_recipient_name) > max_sender_name_chars) {
    errors.add("model.FromSecureRecipientName",
               "The FromSecureRecipientName field is longer than " +
                   std::to_string(max_sender_name_chars) + " characters.");
  }

  if (!model.status || is_blank(*model.status)) {
    errors.add("model.Status", "The Status field is required: Draft or Sent.");
  } else if (auto status = domain::parse_status(*model.status)) {
    message.status = *status;
  } else {
    errors.add("model.Status", "The Status field must be Draft or Sent.");
  }

  if (model.priority && !is_blank(*model.priority)) {
    if (auto priority = domain::parse_priority(*model.priority)) {
      message.priority = *priority;
    } else {
      errors.add("model.Priority", "The Priority field must be Normal, High or Low.");
    }
  }

  message.patients = check_patients(errors, model, limits);
  message.attachments = check_attachments(errors, model, limits);

  // Both checks run (each reports its own field) before either result is used.
  const bool subject_usable = check_text(errors, "model.Subject", "Subject", model.subject);
  const bool body_usable = check_text(errors, "model.Body", "Body", model.body);
  if (subject_usable && body_usable) {
    const std::string subject = normalise_like_metriport(model.subject.value_or(""));
    if (subject.empty()) {
      errors.add("model.Subject",
                 "The Subject field is required (it is empty after removing "
                 "control characters and surrounding white space).");
    } else {
      message.relay_subject = message.priority == domain::Priority::high
                                  ? limits.high_priority_subject_prefix + subject
                                  : subject;
      const auto length = domain::utf16_length(message.relay_subject);
      if (length > metriport_max_subject_chars) {
        errors.add("model.Subject",
                   "The Subject is " + std::to_string(length) +
                       " characters after normalisation (including any priority prefix); "
                       "Metriport accepts at most " +
                       std::to_string(metriport_max_subject_chars) + ".");
      }
    }
    std::string body = normalise_like_metriport(model.body.value_or(""));
    if (domain::utf8_length(body) > limits.max_body_chars) {
      errors.add("model.Body", "The Body is longer than the limit of " +
                                   std::to_string(limits.max_body_chars) + " characters.");
    }
    if (!body.empty()) message.relay_body = std::move(body);
    if (!message.relay_body && (!model.file_data || model.file_data->empty())) {
      errors.add("model.Body",
                 "A message needs a Body (not blank) or at least one file in FileData.");
    }
  }

  if (!errors.empty()) return errors.take();

  message.external_id = *model.external_id;
  message.from_external_id = *model.from_secure_recipient_external_id;
  message.from_name = model.from_secure_recipient_name;
  message.subject = model.subject;
  message.body = model.body;

  auto route = routing.route_for(vendor_name, message.from_external_id);
  if (!route) {
    // The field is named, never its value (errors do not echo what the client sent).
    auto error = domain::RequestError::field(
        "model.FromSecureRecipientExternalId",
        "No Metriport route is configured for this FromSecureRecipientExternalId (the sender) and "
        "there is no default route.",
        domain::ErrorKind::unprocessable);
    error.message = "The message cannot be relayed.";
    return error;
  }
  message.route = std::move(*route);
  message.content_hash = content_hash(message);
  return message;
}

}  // namespace relay::intake
