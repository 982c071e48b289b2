// Boost.JSON SAX decoder and a hand-written encoder for the portal's message model and error body.
// SAX (basic_parser) rather than a DOM: duplicate keys stay visible, big strings are copied once.
#include "adapters/portal/json_codec.hpp"

#include "gateway/domain/json_string.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/parse_options.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "gateway/domain/text.hpp"

namespace relay::portal {
namespace {

using domain::ErrorKind;
using domain::RequestError;
using error_code = boost::system::error_code;

// ---- Property tables: the portal's PascalCase names, matched case-insensitively. ----

enum class Kind { text, read_only, boolean, patients, files };

struct Property {
  std::string_view name;
  Kind kind;
};

constexpr std::array<Property, 12> kRootProperties{{
    {"FromSecureRecipientExternalId", Kind::text},
    {"FromSecureRecipientName", Kind::text},
    {"Patients", Kind::patients},
    {"Subject", Kind::text},
    {"Body", Kind::text},
    {"Status", Kind::text},
    {"Priority", Kind::text},
    {"CreationDate", Kind::read_only},
    {"SentDate", Kind::read_only},
    {"FileData", Kind::files},
    {"Id", Kind::read_only},
    {"ExternalId", Kind::text},
}};
constexpr std::array<Property, 3> kPatientProperties{{
    {"ExternalId", Kind::text},
    {"IsRepresentative", Kind::boolean},
    {"RepresentativeExternalId", Kind::text},
}};
constexpr std::array<Property, 2> kFileProperties{{
    {"FileName", Kind::text},
    {"FileData", Kind::text},
}};
constexpr std::size_t kLongestPropertyName = 29;  // FromSecureRecipientExternalId

std::optional<std::string>* root_text(OutgoingSecureMessageModel& m, std::size_t index) {
  switch (index) {
    case 0:
      return &m.from_secure_recipient_external_id;
    case 1:
      return &m.from_secure_recipient_name;
    case 3:
      return &m.subject;
    case 4:
      return &m.body;
    case 5:
      return &m.status;
    case 6:
      return &m.priority;
    case 7:
      return &m.creation_date;
    case 8:
      return &m.sent_date;
    case 10:
      return &m.id;
    case 11:
      return &m.external_id;
    default:
      return nullptr;
  }
}

std::string_view json_type_name(boost::json::kind kind) {
  switch (kind) {
    case boost::json::kind::object:
      return "a JSON object";
    case boost::json::kind::array:
      return "a JSON array";
    case boost::json::kind::string:
      return "a JSON string";
    case boost::json::kind::bool_:
      return "a JSON boolean";
    case boost::json::kind::null:
      return "JSON null";
    default:
      return "a JSON number";
  }
}

RequestError model_error(std::string message) {
  return RequestError::field("model", std::move(message));
}

// ---- The SAX handler: a small state machine over root object, lists and list items. ----

class Handler {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  explicit Handler(const DecodeLimits& limits) : limits_(limits) {}

  OutgoingSecureMessageModel model;
  std::optional<RequestError> error;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_comment_part(boost::json::string_view, error_code&) { return true; }
  bool on_comment(boost::json::string_view, error_code&) { return true; }
  bool on_number_part(boost::json::string_view, error_code&) { return true; }

  bool on_object_begin(error_code& ec) {
    if (skip_ > 0) return ++skip_, true;
    switch (where_) {
      case Where::start:
        where_ = Where::root;
        return true;
      case Where::patients:
        return begin_item(ec, Where::patient);
      case Where::files:
        return begin_item(ec, Where::file);
      default:
        break;
    }
    if (!property_ || property_->kind == Kind::read_only) return ++skip_, true;
    return wrong_type(ec, boost::json::kind::object);
  }

  bool on_object_end(std::size_t, error_code&) {
    if (skip_ > 0) return --skip_, true;
    if (where_ == Where::patient)
      where_ = Where::patients;
    else if (where_ == Where::file)
      where_ = Where::files;
    else
      where_ = Where::done;
    return true;
  }

  bool on_array_begin(error_code& ec) {
    if (skip_ > 0) return ++skip_, true;
    if (where_ == Where::start || in_list()) return wrong_type(ec, boost::json::kind::array);
    if (!property_ || property_->kind == Kind::read_only) return ++skip_, true;
    if (property_->kind == Kind::patients) {
      model.patients.emplace();
      where_ = Where::patients;
      return true;
    }
    if (property_->kind == Kind::files) {
      model.file_data.emplace();
      where_ = Where::files;
      return true;
    }
    return wrong_type(ec, boost::json::kind::array);
  }

  bool on_array_end(std::size_t, error_code&) {
    if (skip_ > 0) return --skip_, true;
    where_ = Where::root;
    return true;
  }

  bool on_key_part(boost::json::string_view part, std::size_t, error_code&) {
    if (skip_ == 0) append_key(part);
    return true;
  }

  bool on_key(boost::json::string_view part, std::size_t, error_code& ec) {
    if (skip_ > 0) return true;
    append_key(part);
    const bool ok = select_property(ec);
    key_.clear();
    key_too_long_ = false;
    return ok;
  }

  bool on_string_part(boost::json::string_view part, std::size_t, error_code& ec) {
    if (skip_ > 0) return true;
    if (!string_open_ && !open_string(ec)) return false;
    append_string(part);
    return true;
  }

  bool on_string(boost::json::string_view part, std::size_t, error_code& ec) {
    if (skip_ > 0) return true;
    if (!string_open_ && !open_string(ec)) return false;
    append_string(part);
    string_open_ = false;
    text_target_ = nullptr;
    if (property_ && property_->kind == Kind::boolean) {
      if (!bool_text_overflow_ && domain::iequals(bool_text_, "true")) {
        *bool_target() = true;
      } else if (!bool_text_overflow_ && domain::iequals(bool_text_, "false")) {
        *bool_target() = false;
      } else {
        return fail(ec, property_error("must be true or false; a JSON string with another value "
                                       "is not accepted."));
      }
    }
    return true;
  }

  bool on_int64(std::int64_t value, boost::json::string_view, error_code& ec) {
    return on_integer(ec, std::to_string(value));
  }
  bool on_uint64(std::uint64_t value, boost::json::string_view, error_code& ec) {
    return on_integer(ec, std::to_string(value));
  }

  bool on_double(double, boost::json::string_view, error_code& ec) {
    if (skip_ > 0) return true;
    if (where_ == Where::start || in_list()) return wrong_type(ec, boost::json::kind::double_);
    if (!property_ || property_->kind == Kind::read_only) return true;
    if (property_->kind == Kind::text) {
      return fail(ec,
                  property_error("must be a string or a whole number; a JSON number with a "
                                 "fraction, an exponent or more than 64 bits is not accepted."));
    }
    return wrong_type(ec, boost::json::kind::double_);
  }

  bool on_bool(bool value, error_code& ec) {
    if (skip_ > 0) return true;
    if (where_ == Where::start || in_list()) return wrong_type(ec, boost::json::kind::bool_);
    if (!property_ || property_->kind == Kind::read_only) return true;
    if (property_->kind != Kind::boolean) return wrong_type(ec, boost::json::kind::bool_);
    *bool_target() = value;
    return true;
  }

  bool on_null(error_code& ec) {
    if (skip_ > 0) return true;
    if (where_ == Where::start || in_list()) return wrong_type(ec, boost::json::kind::null);
    if (!property_ || property_->kind == Kind::read_only) return true;
    switch (property_->kind) {
      case Kind::text:
        text_slot()->reset();
        break;
      case Kind::boolean:
        bool_target()->reset();
        break;
      case Kind::patients:
        model.patients.reset();
        break;
      case Kind::files:
        model.file_data.reset();
        break;
      case Kind::read_only:
        break;
    }
    return true;
  }

 private:
  enum class Where { start, root, patients, files, patient, file, done };

  bool in_list() const { return where_ == Where::patients || where_ == Where::files; }

  bool fail(error_code& ec, RequestError failure) {
    error = std::move(failure);
    ec = boost::json::error::exception;
    return false;
  }

  std::string list_name() const { return where_ == Where::patients ? "Patients" : "FileData"; }

  std::size_t list_size() const {
    return where_ == Where::patients ? model.patients->size() : model.file_data->size();
  }

  // "model.Subject", "model.Patients[0].ExternalId", "model.FileData[1].FileName".
  std::string property_key() const {
    std::string key = "model.";
    if (where_ == Where::patient) {
      key += "Patients[" + std::to_string(model.patients->size() - 1) + "].";
    } else if (where_ == Where::file) {
      key += "FileData[" + std::to_string(model.file_data->size() - 1) + "].";
    }
    key += property_->name;
    return key;
  }

  RequestError property_error(std::string_view rule) const {
    std::string message = "The ";
    message += property_->name;
    message += " field ";
    message += rule;
    return RequestError::field(property_key(), std::move(message));
  }

  bool wrong_type(error_code& ec, boost::json::kind kind) {
    const std::string sent(json_type_name(kind));
    if (where_ == Where::start) {
      return fail(ec, model_error("The request body must be a JSON object, not " + sent + "."));
    }
    if (in_list()) {
      const std::string name = list_name();
      return fail(ec, RequestError::field(
                          "model." + name + "[" + std::to_string(list_size()) + "]",
                          "Each item of " + name + " must be a JSON object, not " + sent + "."));
    }
    switch (property_->kind) {
      case Kind::text:
        return fail(ec, property_error("must be a string or a whole number, not " + sent + "."));
      case Kind::boolean:
        return fail(ec, property_error("must be true, false or null, not " + sent + "."));
      default:
        return fail(ec, property_error("must be a JSON array or null, not " + sent + "."));
    }
  }

  bool begin_item(error_code& ec, Where item) {
    if (list_size() >= limits_.max_array_items) {
      const std::string name = list_name();
      return fail(ec, RequestError::field("model." + name,
                                          "The " + name + " list has more than the limit of " +
                                              std::to_string(limits_.max_array_items) + " items."));
    }
    if (item == Where::patient)
      model.patients->emplace_back();
    else
      model.file_data->emplace_back();
    where_ = item;
    item_seen_ = 0;
    return true;
  }

  void append_key(boost::json::string_view part) {
    if (key_too_long_ || key_.size() + part.size() > kLongestPropertyName) {
      key_too_long_ = true;  // longer than every property name: unknown, nothing to keep
      return;
    }
    key_.append(part.data(), part.size());
  }

  template <std::size_t N>
  bool match(const std::array<Property, N>& table, std::uint32_t& seen, error_code& ec) {
    property_ = nullptr;
    if (key_too_long_) return true;
    for (std::size_t i = 0; i < N; ++i) {
      if (!domain::iequals(key_, table[i].name)) continue;
      property_ = &table[i];
      property_index_ = i;
      // Read-only properties are never a reason to reject: a repeated one keeps its last string.
      if (table[i].kind == Kind::read_only) return true;
      if (seen & (1u << i)) {
        return fail(ec, property_error("appears more than once (property names are matched "
                                       "case-insensitively)."));
      }
      seen |= 1u << i;
      return true;
    }
    return true;  // unknown property: its value is skipped
  }

  bool select_property(error_code& ec) {
    switch (where_) {
      case Where::root:
        return match(kRootProperties, root_seen_, ec);
      case Where::patient:
        return match(kPatientProperties, item_seen_, ec);
      case Where::file:
        return match(kFileProperties, item_seen_, ec);
      default:
        return true;
    }
  }

  // The string slot of the current property (text or read_only kinds).
  std::optional<std::string>* text_slot() {
    if (where_ == Where::root) return root_text(model, property_index_);
    if (where_ == Where::patient) {
      auto& patient = model.patients->back();
      return property_index_ == 0 ? &patient.external_id : &patient.representative_external_id;
    }
    auto& file = model.file_data->back();
    return property_index_ == 0 ? &file.file_name : &file.file_data;
  }

  std::optional<bool>* bool_target() { return &model.patients->back().is_representative; }

  bool open_string(error_code& ec) {
    if (where_ == Where::start || in_list()) return wrong_type(ec, boost::json::kind::string);
    string_open_ = true;
    text_target_ = nullptr;
    if (!property_) return true;
    switch (property_->kind) {
      case Kind::text:
      case Kind::read_only:
        text_target_ = text_slot();
        text_target_->emplace();
        return true;
      case Kind::boolean:
        bool_text_.clear();
        bool_text_overflow_ = false;
        return true;
      default:
        return wrong_type(ec, boost::json::kind::string);
    }
  }

  void append_string(boost::json::string_view part) {
    if (text_target_) {
      (*text_target_)->append(part.data(), part.size());
    } else if (property_ && property_->kind == Kind::boolean) {
      if (bool_text_.size() + part.size() > 5)
        bool_text_overflow_ = true;
      else
        bool_text_.append(part.data(), part.size());
    }
  }

  bool on_integer(error_code& ec, std::string decimal) {
    if (skip_ > 0) return true;
    if (where_ == Where::start || in_list()) return wrong_type(ec, boost::json::kind::int64);
    if (!property_ || property_->kind == Kind::read_only) return true;
    if (property_->kind != Kind::text) return wrong_type(ec, boost::json::kind::int64);
    *text_slot() = std::move(decimal);
    return true;
  }

  const DecodeLimits& limits_;
  Where where_ = Where::start;
  std::size_t skip_ = 0;                // > 0 while inside an ignored array or object value
  const Property* property_ = nullptr;  // property whose value comes next; nullptr: unknown
  std::size_t property_index_ = 0;
  std::uint32_t root_seen_ = 0;
  std::uint32_t item_seen_ = 0;
  std::string key_;
  bool key_too_long_ = false;
  bool string_open_ = false;
  std::optional<std::string>* text_target_ = nullptr;
  std::string bool_text_;
  bool bool_text_overflow_ = false;
};

// ---- Encoding helpers ----

void put_string(std::string& out, std::string_view text) {
  domain::append_json_string(out, text);
}

void put_key(std::string& out, std::string_view key) {
  out += '"';
  out += key;
  out += "\":";
}

void put_text(std::string& out, std::string_view key, const std::optional<std::string>& value) {
  put_key(out, key);
  if (value)
    put_string(out, *value);
  else
    out += "null";
}

std::size_t size_hint(const OutgoingSecureMessageModel& m) {
  std::size_t size = 512;
  for (const auto* field :
       {&m.external_id, &m.id, &m.body, &m.creation_date, &m.from_secure_recipient_external_id,
        &m.from_secure_recipient_name, &m.priority, &m.sent_date, &m.status, &m.subject}) {
    if (*field) size += field->value().size();
  }
  if (m.patients) size += m.patients->size() * 128;
  if (m.file_data) {
    for (const auto& file : *m.file_data) {
      size += 64 + (file.file_name ? file.file_name->size() : 0) +
              (file.file_data ? file.file_data->size() : 0);
    }
  }
  return size;
}

void put_model(std::string& out, const OutgoingSecureMessageModel& m) {
  out += '{';
  put_text(out, "fromSecureRecipientExternalId", m.from_secure_recipient_external_id);
  out += ',';
  put_text(out, "fromSecureRecipientName", m.from_secure_recipient_name);
  out += ',';
  put_key(out, "patients");
  if (!m.patients) {
    out += "null";
  } else {
    out += '[';
    for (std::size_t i = 0; i < m.patients->size(); ++i) {
      const auto& p = (*m.patients)[i];
      if (i > 0) out += ',';
      out += '{';
      put_text(out, "externalId", p.external_id);
      out += ",\"isRepresentative\":";
      out += p.is_representative.value_or(false) ? "true" : "false";
      out += ',';
      put_text(out, "representativeExternalId", p.representative_external_id);
      out += '}';
    }
    out += ']';
  }
  out += ',';
  put_text(out, "subject", m.subject);
  out += ',';
  put_text(out, "body", m.body);
  out += ',';
  put_text(out, "status", m.status);
  out += ',';
  put_text(out, "priority", m.priority);
  out += ',';
  put_text(out, "creationDate", m.creation_date);
  out += ',';
  put_text(out, "sentDate", m.sent_date);
  out += ',';
  put_key(out, "fileData");
  if (!m.file_data) {
    out += "null";
  } else {
    out += '[';
    for (std::size_t i = 0; i < m.file_data->size(); ++i) {
      const auto& f = (*m.file_data)[i];
      if (i > 0) out += ',';
      out += '{';
      put_text(out, "fileName", f.file_name);
      out += ',';
      put_text(out, "fileData", f.file_data);
      out += '}';
    }
    out += ']';
  }
  out += ',';
  put_text(out, "id", m.id);
  out += ',';
  put_text(out, "externalId", m.external_id);
  out += '}';
}

}  // namespace

domain::Outcome<OutgoingSecureMessageModel> decode_json(std::string_view body,
                                                        const DecodeLimits& limits) {
  if (body.size() > limits.max_bytes) {
    return RequestError::plain(ErrorKind::payload_too_large,
                               "The request body is larger than the limit of " +
                                   std::to_string(limits.max_bytes) + " bytes.");
  }
  // A UTF-8 byte order mark is not JSON, but .NET writers can emit one: tolerate it.
  std::size_t offset = 0;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") offset = 3;
  const std::string_view json = body.substr(offset);

  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  boost::json::basic_parser<Handler> parser(options, limits);
  error_code ec;
  const std::size_t consumed = parser.write_some(false, json.data(), json.size(), ec);
  Handler& handler = parser.handler();
  if (handler.error) return std::move(*handler.error);
  if (ec == boost::json::error::too_deep) {
    return model_error("The JSON is nested deeper than the limit of " +
                       std::to_string(limits.max_depth) + " levels.");
  }
  if (ec || consumed < json.size()) {
    if (!domain::is_valid_utf8(json)) return model_error("The request body is not valid UTF-8.");
    const std::string reason = ec ? ec.message() : std::string("extra data");
    return model_error("Malformed JSON at byte " + std::to_string(consumed + offset) + ": " +
                       reason);
  }
  return std::move(handler.model);
}

std::string encode_json(const OutgoingSecureMessageModel& model) {
  std::string out;
  out.reserve(size_hint(model));
  put_model(out, model);
  return out;
}

std::string encode_json(const PagedList& page) {
  std::size_t size = 256;
  for (const auto& row : page.rows) size += size_hint(row);
  std::string out;
  out.reserve(size);
  out += "{\"totalItems\":" + std::to_string(page.total_items);
  out += ",\"itemsPerPage\":" + std::to_string(page.items_per_page);
  out += ",\"currentPage\":" + std::to_string(page.current_page);
  out += ",\"totalPages\":" + std::to_string(page.total_pages);
  out += ",\"firstRowOnPage\":" + std::to_string(page.first_row_on_page);
  out += ",\"lastRowOnPage\":" + std::to_string(page.last_row_on_page);
  out += ",\"rows\":[";
  for (std::size_t i = 0; i < page.rows.size(); ++i) {
    if (i > 0) out += ',';
    put_model(out, page.rows[i]);
  }
  out += "]}";
  return out;
}

std::string encode_error_json(const domain::RequestError& error) {
  std::string out = "{";
  put_key(out, "message");
  put_string(out, error.message);
  if (!error.fields.empty()) {
    out += ",\"modelState\":{";
    // One array per key, keys in order of first appearance.
    std::vector<bool> written(error.fields.size(), false);
    bool first_key = true;
    for (std::size_t i = 0; i < error.fields.size(); ++i) {
      if (written[i]) continue;
      if (!first_key) out += ',';
      first_key = false;
      put_string(out, error.fields[i].field);
      out += ":[";
      for (std::size_t j = i; j < error.fields.size(); ++j) {
        if (written[j] || error.fields[j].field != error.fields[i].field) continue;
        if (j > i) out += ',';
        put_string(out, error.fields[j].message);
        written[j] = true;
      }
      out += ']';
    }
    out += '}';
  }
  out += '}';
  return out;
}

}  // namespace relay::portal
