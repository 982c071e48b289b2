// Test-side encoder of the portal model as application/x-www-form-urlencoded, written the two ways
// clients write it: jQuery's $.param via $.ajax, and ASP.NET MVC's dotted names. Tests only.
#pragma once

#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "adapters/portal/message_model.hpp"

namespace relay::fuzz {

// jquery: Patients[0][ExternalId] with every bracket escaped, spaces as '+';
// mvc: Patients[0].ExternalId, brackets escaped too (as HttpClient's FormUrlEncodedContent writes
// them), spaces as %20.
enum class FormStyle { jquery, mvc };

class FormWriter {
 public:
  explicit FormWriter(FormStyle style) : style_(style) {}

  void add(std::string_view key, std::string_view value) {
    if (!out_.empty()) out_ += '&';
    out_ += escape(key);
    out_ += '=';
    out_ += escape(value);
  }
  void add_present(std::string_view key, const std::optional<std::string>& value) {
    if (value) add(key, *value);
  }
  std::string item_key(std::string_view list, std::size_t index, std::string_view member) const {
    std::string key(list);
    key += '[' + std::to_string(index) + ']';
    if (style_ == FormStyle::jquery) {
      key += '[';
      key += member;
      key += ']';
    } else {
      key += '.';
      key += member;
    }
    return key;
  }
  const std::string& text() const { return out_; }

 private:
  std::string escape(std::string_view text) const {
    boost::urls::encoding_opts options;
    options.space_as_plus = style_ == FormStyle::jquery;
    return boost::urls::encode(text, boost::urls::unreserved_chars, options);
  }

  FormStyle style_;
  std::string out_;
};

// The whole model; absent values are left out, an empty or absent list too (a form cannot tell
// them apart). An absent IsRepresentative is written false (as the JSON and XML encoders do); a
// file with neither member gets an unknown member so that the item still exists.
inline std::string encode_form(const portal::OutgoingSecureMessageModel& m, FormStyle style) {
  FormWriter form(style);
  form.add_present("ExternalId", m.external_id);
  form.add_present("Id", m.id);
  form.add_present("Body", m.body);
  form.add_present("CreationDate", m.creation_date);
  if (m.file_data) {
    for (std::size_t i = 0; i < m.file_data->size(); ++i) {
      const auto& file = (*m.file_data)[i];
      if (!file.file_name && !file.file_data) form.add(form.item_key("FileData", i, "Unknown"), "");
      form.add_present(form.item_key("FileData", i, "FileName"), file.file_name);
      form.add_present(form.item_key("FileData", i, "FileData"), file.file_data);
    }
  }
  form.add_present("FromSecureRecipientExternalId", m.from_secure_recipient_external_id);
  form.add_present("FromSecureRecipientName", m.from_secure_recipient_name);
  if (m.patients) {
    for (std::size_t i = 0; i < m.patients->size(); ++i) {
      const auto& patient = (*m.patients)[i];
      form.add_present(form.item_key("Patients", i, "ExternalId"), patient.external_id);
      form.add(form.item_key("Patients", i, "IsRepresentative"),
               patient.is_representative.value_or(false) ? "true" : "false");
      form.add_present(form.item_key("Patients", i, "RepresentativeExternalId"),
                       patient.representative_external_id);
    }
  }
  form.add_present("Priority", m.priority);
  form.add_present("SentDate", m.sent_date);
  form.add_present("Status", m.status);
  form.add_present("Subject", m.subject);
  return form.text();
}

}  // namespace relay::fuzz
