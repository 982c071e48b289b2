// pugixml decoder and a hand-written, DataContractSerializer-exact encoder for the portal model.
// No DTD is ever processed: DOCTYPE/ENTITY are refused before and after parsing, never expanded.
#include "adapters/portal/xml_codec.hpp"

#include <pugixml.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

#include "gateway/domain/text.hpp"

namespace relay::portal {
namespace {

using domain::ErrorKind;
using domain::RequestError;

constexpr std::string_view kRootName = "OutgoingSecureMessageModel";
constexpr std::string_view kNoDtd =
    "XML document type declarations and entity declarations are not accepted.";

RequestError model_error(std::string message) {
  return RequestError::field("model", std::move(message));
}

// ---- Raw scans done before pugixml sees the body ----

bool starts_with_ci(std::string_view text, std::size_t at, std::string_view prefix) {
  return text.size() - at >= prefix.size() &&
         domain::iequals(text.substr(at, prefix.size()), prefix);
}

// True when "<!DOCTYPE" or "<!ENTITY" appears anywhere, in any case (also inside comments or
// CDATA: a false positive there costs a client little, a missed DTD could cost much more).
bool has_dtd_markup(std::string_view text) {
  const char* const begin = text.data();
  const char* p = begin;
  const char* const end = begin + text.size();
  while (p < end) {
    p = static_cast<const char*>(std::memchr(p, '<', static_cast<std::size_t>(end - p)));
    if (!p) return false;
    const auto at = static_cast<std::size_t>(p - begin);
    if (starts_with_ci(text, at, "<!DOCTYPE") || starts_with_ci(text, at, "<!ENTITY")) return true;
    ++p;
  }
  return false;
}

// pugixml decodes "&#N;" and "&#xN;" without checking the code point: &#0; would silently cut a
// string short, surrogates and values above U+10FFFF would become invalid UTF-8. Reject those.
bool has_invalid_character_reference(std::string_view text) {
  std::size_t at = 0;
  while ((at = text.find("&#", at)) != std::string_view::npos) {
    at += 2;
    const bool hex = at < text.size() && (text[at] == 'x' || text[at] == 'X');
    if (hex) ++at;
    std::uint64_t value = 0;
    std::size_t digits = 0;
    for (; at < text.size(); ++at, ++digits) {
      const char c = text[at];
      int digit = -1;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (hex && c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      if (digit < 0) break;
      value = value * (hex ? 16 : 10) + static_cast<std::uint64_t>(digit);
      if (value > 0x10FFFF) value = 0x110000;  // saturate: pugixml's own arithmetic would wrap
    }
    if (digits == 0 || at >= text.size() || text[at] != ';') continue;
    if (value == 0 || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) return true;
  }
  return false;
}

// pugixml allocates a node for every element, about 7x the body for a body of "<a/>" repeated, and
// slows down as it goes. Every tag, comment, CDATA section or processing instruction starts with
// '<', so their count bounds the nodes before any is allocated. A model at its list limit needs at
// most 8 per item (.NET's PatientRecipientModel with its three members, each opened and closed) and
// a few dozen for the root and its other members.
std::size_t max_markup_count(const DecodeLimits& limits) {
  constexpr std::size_t kPerItem = 8;
  constexpr std::size_t kRootAllowance = 256;
  if (limits.max_array_items > (SIZE_MAX - kRootAllowance) / kPerItem) return SIZE_MAX;
  return limits.max_array_items * kPerItem + kRootAllowance;
}

// Number of '<' in text, stopping once it passes limit.
std::size_t count_markup(std::string_view text, std::size_t limit) {
  std::size_t count = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (count <= limit &&
         (p = static_cast<const char*>(std::memchr(p, '<', static_cast<std::size_t>(end - p))))) {
    ++count;
    ++p;
  }
  return count;
}

// ---- Reading elements ----

std::string_view local_name(const char* name) {
  std::string_view view(name);
  const auto colon = view.find(':');
  return colon == std::string_view::npos ? view : view.substr(colon + 1);
}

std::string_view trim_xml_space(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// i:nil="true" (any prefix; value true or 1, as XmlConvert reads it).
bool is_nil(pugi::xml_node node) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    if (local_name(attribute.name()) != "nil") continue;
    const std::string_view value = trim_xml_space(attribute.value());
    if (value == "true" || value == "1") return true;
  }
  return false;
}

// Concatenated text and CDATA children; false when the element has child elements.
bool read_text(pugi::xml_node node, std::string& out) {
  out.clear();
  for (pugi::xml_node child : node.children()) {
    switch (child.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata:
        out += child.value();
        break;
      case pugi::node_element:
        return false;
      default:
        break;
    }
  }
  return true;
}

enum class Kind { text, read_only, boolean, patients, files };

struct Property {
  std::string_view name;
  Kind kind;
};

// Same members as the JSON form; for XML the order does not matter when reading.
constexpr std::array<Property, 12> kRootProperties{{
    {"ExternalId", Kind::text},
    {"Id", Kind::read_only},
    {"Body", Kind::text},
    {"CreationDate", Kind::read_only},
    {"FileData", Kind::files},
    {"FromSecureRecipientExternalId", Kind::text},
    {"FromSecureRecipientName", Kind::text},
    {"Patients", Kind::patients},
    {"Priority", Kind::text},
    {"SentDate", Kind::read_only},
    {"Status", Kind::text},
    {"Subject", Kind::text},
}};
constexpr std::array<Property, 3> kPatientProperties{{
    {"ExternalId", Kind::text},
    {"IsRepresentative", Kind::boolean},
    {"RepresentativeExternalId", Kind::text},
}};
constexpr std::array<Property, 2> kFileProperties{{
    {"FileData", Kind::text},
    {"FileName", Kind::text},
}};

template <std::size_t N>
std::optional<std::size_t> find_property(const std::array<Property, N>& table,
                                         std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (domain::iequals(name, table[i].name)) return i;
  }
  return std::nullopt;
}

std::optional<std::string>* root_text(OutgoingSecureMessageModel& m, std::size_t index) {
  switch (index) {
    case 0:
      return &m.external_id;
    case 1:
      return &m.id;
    case 2:
      return &m.body;
    case 3:
      return &m.creation_date;
    case 5:
      return &m.from_secure_recipient_external_id;
    case 6:
      return &m.from_secure_recipient_name;
    case 8:
      return &m.priority;
    case 9:
      return &m.sent_date;
    case 10:
      return &m.status;
    case 11:
      return &m.subject;
    default:
      return nullptr;
  }
}

class Decoder {
 public:
  explicit Decoder(const DecodeLimits& limits) : limits_(limits) {}

  std::optional<RequestError> read_model(pugi::xml_node root, OutgoingSecureMessageModel& m) {
    std::uint32_t seen = 0;
    for (pugi::xml_node child : root.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto index = find_property(kRootProperties, local_name(child.name()));
      if (!index) continue;  // unknown element: ignored
      const Property& property = kRootProperties[*index];
      const std::string key = "model." + std::string(property.name);
      if (property.kind == Kind::read_only) {
        read_read_only(child, *root_text(m, *index));
        continue;
      }
      if (auto error = check_duplicate(seen, *index, key, property.name)) return error;
      std::optional<RequestError> error;
      if (property.kind == Kind::patients)
        error = read_patients(child, m.patients);
      else if (property.kind == Kind::files)
        error = read_files(child, m.file_data);
      else
        error = read_string(child, key, property.name, *root_text(m, *index));
      if (error) return error;
    }
    return std::nullopt;
  }

 private:
  static std::optional<RequestError> check_duplicate(std::uint32_t& seen, std::size_t index,
                                                     const std::string& key,
                                                     std::string_view name) {
    if (seen & (1u << index)) {
      return RequestError::field(key, "The " + std::string(name) +
                                          " element appears more than once (element names are "
                                          "matched case-insensitively).");
    }
    seen |= 1u << index;
    return std::nullopt;
  }

  // Read-only members (dates, Id) are kept when they hold text, otherwise ignored; never rejected.
  void read_read_only(pugi::xml_node node, std::optional<std::string>& slot) {
    if (is_nil(node)) {
      slot.reset();
      return;
    }
    std::string text;
    if (read_text(node, text)) slot = std::move(text);
  }

  std::optional<RequestError> read_string(pugi::xml_node node, const std::string& key,
                                          std::string_view name, std::optional<std::string>& slot) {
    if (is_nil(node)) {
      slot.reset();
      return std::nullopt;
    }
    slot.emplace();
    if (!read_text(node, *slot)) {
      return RequestError::field(
          key, "The " + std::string(name) + " field must hold text, not child elements.");
    }
    return std::nullopt;
  }

  std::optional<RequestError> read_bool(pugi::xml_node node, const std::string& key,
                                        std::optional<bool>& slot) {
    if (is_nil(node)) {
      slot.reset();
      return std::nullopt;
    }
    std::string text;
    const bool is_text = read_text(node, text);
    const std::string_view value = trim_xml_space(text);
    if (is_text && (value == "true" || value == "1")) {
      slot = true;
    } else if (is_text && (value == "false" || value == "0")) {
      slot = false;
    } else {
      return RequestError::field(key, "The IsRepresentative field must be true, false, 1 or 0.");
    }
    return std::nullopt;
  }

  // Calls read_item(element, item_key, new_item) for each element child of a list wrapper.
  template <class Item, class ReadItem>
  std::optional<RequestError> read_list(pugi::xml_node wrapper, std::string_view name,
                                        std::optional<std::vector<Item>>& list,
                                        ReadItem read_item) {
    if (is_nil(wrapper)) {
      list.reset();
      return std::nullopt;
    }
    list.emplace();
    for (pugi::xml_node child : wrapper.children()) {
      if (child.type() != pugi::node_element) continue;
      const std::string item_key =
          "model." + std::string(name) + "[" + std::to_string(list->size()) + "]";
      if (list->size() >= limits_.max_array_items) {
        return RequestError::field("model." + std::string(name),
                                   "The " + std::string(name) +
                                       " list has more than the limit of " +
                                       std::to_string(limits_.max_array_items) + " items.");
      }
      if (is_nil(child)) {
        return RequestError::field(
            item_key, "Each item of " + std::string(name) + " must be an element, not nil.");
      }
      list->emplace_back();
      if (auto error = read_item(child, item_key, list->back())) return error;
    }
    return std::nullopt;
  }

  std::optional<RequestError> read_patients(
      pugi::xml_node wrapper, std::optional<std::vector<PatientRecipientModel>>& list) {
    return read_list(
        wrapper, "Patients", list,
        [this](pugi::xml_node item, const std::string& item_key, PatientRecipientModel& patient) {
          return read_patient(item, item_key, patient);
        });
  }

  std::optional<RequestError> read_patient(pugi::xml_node item, const std::string& item_key,
                                           PatientRecipientModel& patient) {
    std::uint32_t seen = 0;
    for (pugi::xml_node child : item.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto index = find_property(kPatientProperties, local_name(child.name()));
      if (!index) continue;
      const std::string_view name = kPatientProperties[*index].name;
      const std::string key = item_key + "." + std::string(name);
      if (auto error = check_duplicate(seen, *index, key, name)) return error;
      std::optional<RequestError> error;
      switch (*index) {
        case 0:
          error = read_string(child, key, name, patient.external_id);
          break;
        case 1:
          error = read_bool(child, key, patient.is_representative);
          break;
        default:
          error = read_string(child, key, name, patient.representative_external_id);
      }
      if (error) return error;
    }
    return std::nullopt;
  }

  std::optional<RequestError> read_files(pugi::xml_node wrapper,
                                         std::optional<std::vector<FileAttachmentModel>>& list) {
    return read_list(wrapper, "FileData", list,
                     [this](pugi::xml_node item, const std::string& item_key,
                            FileAttachmentModel& file) { return read_file(item, item_key, file); });
  }

  std::optional<RequestError> read_file(pugi::xml_node item, const std::string& item_key,
                                        FileAttachmentModel& file) {
    std::uint32_t seen = 0;
    for (pugi::xml_node child : item.children()) {
      if (child.type() != pugi::node_element) continue;
      const auto index = find_property(kFileProperties, local_name(child.name()));
      if (!index) continue;
      const std::string_view name = kFileProperties[*index].name;
      const std::string key = item_key + "." + std::string(name);
      if (auto error = check_duplicate(seen, *index, key, name)) return error;
      auto& slot = *index == 0 ? file.file_data : file.file_name;
      if (auto error = read_string(child, key, name, slot)) return error;
    }
    return std::nullopt;
  }

  const DecodeLimits& limits_;
};

// ---- Encoding ----

constexpr std::string_view kRootOpen =
    "<OutgoingSecureMessageModel xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns=\"http://schemas.datacontract.org/2004/07/"
    "GlobalPortal.Api.Models.OutgoingSecureMessages\">";
constexpr std::string_view kBaseNamespace =
    " xmlns=\"http://schemas.datacontract.org/2004/07/GlobalPortal.Api.Models\"";

// Escapes &, < and > (and " when in_attribute); CR is written as &#xD; so parsers do not fold it
// into LF. Characters XML 1.0 cannot carry at all, not even as character references, are dropped:
// C0 controls other than tab/LF/CR, U+FFFE and U+FFFF. Writing them as &#x1; (as .NET's
// DataContractSerializer does) makes .NET's XmlReader (CheckCharacters is on by default) and
// libxml2 reject the whole document, so one stray control would cost the client the entire answer.
// Nothing the relay sends is lost: the JSON answer keeps these characters, the stored message keeps
// them, and Metriport strips C0 controls from subjects and bodies anyway.
void put_escaped(std::string& out, std::string_view text, bool in_attribute = false) {
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::string_view replacement;
    std::size_t length = 1;  // bytes replaced
    if (c == '&') {
      replacement = "&amp;";
    } else if (c == '<') {
      replacement = "&lt;";
    } else if (c == '>') {
      replacement = "&gt;";
    } else if (c == '"' && in_attribute) {
      replacement = "&quot;";
    } else if (c == '\r') {
      replacement = "&#xD;";
    } else if (c < 0x20 && c != '\t' && c != '\n') {
      // dropped: replacement stays empty
    } else if (c == 0xEF && text.size() - i >= 3 &&
               static_cast<unsigned char>(text[i + 1]) == 0xBF &&
               (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xBE) {
      length = 3;  // U+FFFE or U+FFFF (EF BF BE / EF BF BF): dropped
    } else {
      continue;
    }
    out.append(text, run, i - run);
    out += replacement;
    run = i + length;
    i += length - 1;
  }
  out.append(text, run, text.size() - run);
}

void put_element(std::string& out, std::string_view name, const std::optional<std::string>& value,
                 std::string_view namespace_attribute = {}) {
  out += '<';
  out += name;
  out += namespace_attribute;
  if (!value) {
    out += " i:nil=\"true\"/>\n";
    return;
  }
  out += '>';
  put_escaped(out, *value);
  out += "</";
  out += name;
  out += ">\n";
}

void put_patients(std::string& out, const std::optional<std::vector<PatientRecipientModel>>& list) {
  if (!list) {
    out += "<Patients i:nil=\"true\"/>\n";
    return;
  }
  if (list->empty()) {
    out += "<Patients/>\n";
    return;
  }
  out += "<Patients>\n";
  for (const auto& patient : *list) {
    out += "<PatientRecipientModel>\n";
    put_element(out, "ExternalId", patient.external_id);
    // IsRepresentative is a non-nullable bool in .NET: nil would fail there, so nullopt is false.
    out += patient.is_representative.value_or(false)
               ? "<IsRepresentative>true</IsRepresentative>\n"
               : "<IsRepresentative>false</IsRepresentative>\n";
    put_element(out, "RepresentativeExternalId", patient.representative_external_id);
    out += "</PatientRecipientModel>\n";
  }
  out += "</Patients>\n";
}

void put_files(std::string& out, const std::optional<std::vector<FileAttachmentModel>>& list) {
  if (!list) {
    out += "<FileData i:nil=\"true\"/>\n";
    return;
  }
  if (list->empty()) {
    out += "<FileData/>\n";
    return;
  }
  out += "<FileData>\n";
  for (const auto& file : *list) {
    out += "<FileAttachmentModel>\n";
    put_element(out, "FileData", file.file_data);
    put_element(out, "FileName", file.file_name);
    out += "</FileAttachmentModel>\n";
  }
  out += "</FileData>\n";
}

std::size_t size_hint(const OutgoingSecureMessageModel& m) {
  std::size_t size = 1024;
  for (const auto* field :
       {&m.external_id, &m.id, &m.body, &m.creation_date, &m.from_secure_recipient_external_id,
        &m.from_secure_recipient_name, &m.priority, &m.sent_date, &m.status, &m.subject}) {
    if (*field) size += field->value().size();
  }
  if (m.patients) size += m.patients->size() * 200;
  if (m.file_data) {
    for (const auto& file : *m.file_data) {
      size += 100 + (file.file_name ? file.file_name->size() : 0) +
              (file.file_data ? file.file_data->size() : 0);
    }
  }
  return size;
}

}  // namespace

domain::Outcome<OutgoingSecureMessageModel> decode_xml(std::string_view body,
                                                       const DecodeLimits& limits) {
  if (body.size() > limits.max_bytes) {
    return RequestError::plain(ErrorKind::payload_too_large,
                               "The request body is larger than the limit of " +
                                   std::to_string(limits.max_bytes) + " bytes.");
  }
  if (!domain::is_valid_utf8(body)) return model_error("The request body is not valid UTF-8.");
  const std::size_t max_markup = max_markup_count(limits);
  if (count_markup(body, max_markup) > max_markup) {
    return model_error("The XML has more than " + std::to_string(max_markup) +
                       " elements (each tag, comment or CDATA section counts as one; the limit "
                       "follows from the limit of " +
                       std::to_string(limits.max_array_items) + " list items).");
  }
  if (has_dtd_markup(body)) return model_error(std::string(kNoDtd));
  if (has_invalid_character_reference(body)) {
    return model_error(
        "The XML holds a character reference to U+0000, a surrogate or a value above U+10FFFF.");
  }

  pugi::xml_document document;
  // parse_doctype keeps a DOCTYPE as a node so it can be refused (pugixml never expands entities);
  // parse_ws_pcdata_single keeps whitespace-only text such as <Subject> </Subject>.
  const unsigned options = pugi::parse_default | pugi::parse_doctype | pugi::parse_ws_pcdata_single;
  const pugi::xml_parse_result parsed =
      document.load_buffer(body.data(), body.size(), options, pugi::encoding_utf8);
  if (!parsed) {
    return model_error("Malformed XML at byte " + std::to_string(parsed.offset) + ": " +
                       parsed.description());
  }
  pugi::xml_node root;
  for (pugi::xml_node child : document.children()) {
    if (child.type() == pugi::node_doctype) return model_error(std::string(kNoDtd));
    if (child.type() != pugi::node_element) continue;
    if (root) return model_error("The XML document must have exactly one root element.");
    root = child;
  }
  if (!root || !domain::iequals(local_name(root.name()), kRootName)) {
    return model_error("The root element must be OutgoingSecureMessageModel.");
  }

  OutgoingSecureMessageModel model;
  if (auto error = Decoder(limits).read_model(root, model)) return std::move(*error);
  return model;
}

std::string encode_xml(const OutgoingSecureMessageModel& m) {
  std::string out;
  out.reserve(size_hint(m));
  out += kRootOpen;
  out += '\n';
  put_element(out, "ExternalId", m.external_id, kBaseNamespace);
  put_element(out, "Id", m.id, kBaseNamespace);
  put_element(out, "Body", m.body);
  put_element(out, "CreationDate", m.creation_date);
  put_files(out, m.file_data);
  put_element(out, "FromSecureRecipientExternalId", m.from_secure_recipient_external_id);
  put_element(out, "FromSecureRecipientName", m.from_secure_recipient_name);
  put_patients(out, m.patients);
  put_element(out, "Priority", m.priority);
  put_element(out, "SentDate", m.sent_date);
  put_element(out, "Status", m.status);
  put_element(out, "Subject", m.subject);
  out += "</OutgoingSecureMessageModel>\n";
  return out;
}

std::string encode_error_xml(const domain::RequestError& error) {
  std::string out = "<Error><Message>";
  put_escaped(out, error.message);
  out += "</Message>";
  if (!error.fields.empty()) {
    out += "<ModelState>";
    for (const auto& field : error.fields) {
      out += "<Entry><Key>";
      put_escaped(out, field.field);
      out += "</Key><Value>";
      put_escaped(out, field.message);
      out += "</Value></Entry>";
    }
    out += "</ModelState>";
  }
  out += "</Error>";
  return out;
}

}  // namespace relay::portal
