// Form decoder: form_pairs splits and decodes the keys, then each key is resolved against property
// tables (member pointers into the model) and its value decoded into the slot it names.
#include "adapters/portal/form_codec.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "adapters/portal/form_pairs.hpp"
#include "gateway/domain/text.hpp"

namespace relay::portal {
namespace {

using domain::ErrorKind;
using domain::RequestError;
using Text = std::optional<std::string>;

// ---- Property tables: the portal's names, matched case-insensitively. ----

enum class Kind { text, read_only, patients, files };

struct RootProperty {
  std::string_view name;
  Kind kind;
  Text OutgoingSecureMessageModel::*slot;  // text and read_only kinds
};

using Model = OutgoingSecureMessageModel;
constexpr std::array<RootProperty, 12> kRootProperties{{
    {"ExternalId", Kind::text, &Model::external_id},
    {"Id", Kind::read_only, &Model::id},
    {"Body", Kind::text, &Model::body},
    {"CreationDate", Kind::read_only, &Model::creation_date},
    {"FileData", Kind::files, nullptr},
    {"FromSecureRecipientExternalId", Kind::text, &Model::from_secure_recipient_external_id},
    {"FromSecureRecipientName", Kind::text, &Model::from_secure_recipient_name},
    {"Patients", Kind::patients, nullptr},
    {"Priority", Kind::text, &Model::priority},
    {"SentDate", Kind::read_only, &Model::sent_date},
    {"Status", Kind::text, &Model::status},
    {"Subject", Kind::text, &Model::subject},
}};

// A member of a list item: text, or (flag set) a boolean.
template <class Item>
struct ItemMember {
  std::string_view name;
  Text Item::*text;
  std::optional<bool> Item::*flag;
};

constexpr std::array<ItemMember<PatientRecipientModel>, 3> kPatientMembers{{
    {"ExternalId", &PatientRecipientModel::external_id, nullptr},
    {"IsRepresentative", nullptr, &PatientRecipientModel::is_representative},
    {"RepresentativeExternalId", &PatientRecipientModel::representative_external_id, nullptr},
}};
constexpr std::array<ItemMember<FileAttachmentModel>, 2> kFileMembers{{
    {"FileName", &FileAttachmentModel::file_name, nullptr},
    {"FileData", &FileAttachmentModel::file_data, nullptr},
}};

template <class Table>
std::optional<std::size_t> find_name(const Table& table, std::string_view name) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (domain::iequals(name, table[i].name)) return i;
  }
  return std::nullopt;
}

// ---- Naming keys in errors without echoing what a client might have put there. ----

constexpr std::size_t kMaxShownKeyBytes = 64;
constexpr std::size_t kMaxIndexDigits = 9;  // any limit the config allows fits; more is over it

bool is_plain_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '[' || c == ']';
}

// "The form key Patients[0][ExternalId]" for a short key of plain characters, otherwise by
// position ("The form key of pair 7").
std::string the_key(std::string_view key, std::size_t pair_number) {
  bool plain = !key.empty() && key.size() <= kMaxShownKeyBytes;
  for (const char c : key) plain = plain && is_plain_key_char(c);
  if (plain) return "The form key " + std::string(key);
  return "The form key of pair " + std::to_string(pair_number);
}

RequestError model_error(std::string message) {
  return RequestError::field("model", std::move(message));
}

std::string undecodable(std::string_view what) {
  return std::string(what) +
         " is not valid percent-encoding, or is not UTF-8 text without NUL once decoded.";
}

std::string list_limit(std::string_view list, std::size_t limit) {
  std::string message = "The ";
  message += list;
  message += " list has more than the limit of " + std::to_string(limit) + " items.";
  return message;
}

// The index of "[digits]" at the start of text: nullopt when it is not a plain whole number;
// SIZE_MAX when it has more digits than any limit.
std::optional<std::size_t> read_index(std::string_view digits) {
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
  std::size_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (digits.size() > kMaxIndexDigits) return SIZE_MAX;
  for (const char c : digits) value = value * 10 + static_cast<std::size_t>(c - '0');
  return value;
}

// The member named after "[i]": "[Member]" or ".Member" and nothing after it; nullopt otherwise.
std::optional<std::string_view> read_member(std::string_view rest) {
  std::string_view member;
  if (rest.starts_with('[')) {
    if (!rest.ends_with(']')) return std::nullopt;
    member = rest.substr(1, rest.size() - 2);
  } else if (rest.starts_with('.')) {
    member = rest.substr(1);
  } else {
    return std::nullopt;
  }
  if (member.empty() || member.find_first_of("[].") != std::string_view::npos) return std::nullopt;
  return member;
}

// ---- Binding pairs to the model. ----

class FormBinder {
 public:
  explicit FormBinder(const DecodeLimits& limits) : limits_(limits) {}

  OutgoingSecureMessageModel model;

  std::optional<RequestError> bind(const FormPair& pair, std::size_t pair_number) {
    const std::string_view key = pair.key;
    const std::size_t split = key.find_first_of("[.");
    const std::string_view root = key.substr(0, split);
    const std::string_view rest = split == std::string_view::npos ? "" : key.substr(split);
    if (root.empty()) return model_error(the_key(key, pair_number) + " has no property name.");
    const auto index = find_name(kRootProperties, root);
    if (!index) {
      // Unknown property: ignored like an unknown JSON property, once its value is well-formed.
      if (!decode_form_component(pair.encoded_value)) {
        return model_error(undecodable("The value of " + lowered(the_key(key, pair_number))));
      }
      return std::nullopt;
    }
    const RootProperty& property = kRootProperties[*index];
    const std::string field = "model." + std::string(property.name);
    const std::uint32_t bit = 1u << *index;
    if (property.kind == Kind::patients || property.kind == Kind::files) {
      const bool patients = property.kind == Kind::patients;
      const bool has_items = patients ? model.patients.has_value() : model.file_data.has_value();
      if (rest.empty()) {
        // "FileData=" is how $.param writes a null list: no list, like JSON null. Anything else
        // under the bare name, or next to items, is a value and a list under one name.
        auto value = decode_form_component(pair.encoded_value);
        if (!value) {
          return RequestError::field(
              field, undecodable("The value of " + lowered(the_key(key, pair_number))));
        }
        if (root_seen_ & bit) return twice(field, key, pair_number);
        root_seen_ |= bit;
        if (value->empty() && !has_items) return std::nullopt;
        return value_and_list(field, property.name, key, pair_number);
      }
      if (root_seen_ & bit) return value_and_list(field, property.name, key, pair_number);
      if (patients) {
        return bind_item(pair, pair_number, rest, property.name, model.patients, patient_seen_,
                         kPatientMembers);
      }
      return bind_item(pair, pair_number, rest, property.name, model.file_data, file_seen_,
                       kFileMembers);
    }
    if (!rest.empty()) {
      return RequestError::field(
          field, "The " + std::string(property.name) + " field is a single value: " +
                     lowered(the_key(key, pair_number)) + " nests into it with '[' or '.'.");
    }
    if (root_seen_ & (1u << *index)) return twice(field, key, pair_number);
    root_seen_ |= 1u << *index;
    return store_text(pair, pair_number, field, model.*property.slot);
  }

 private:
  static RequestError value_and_list(const std::string& field, std::string_view name,
                                     std::string_view key, std::size_t pair_number) {
    const std::string list(name);
    return RequestError::field(field, "The " + list + " field is a list, sent as " + list +
                                          "[0][Member] or " + list + "[0].Member; " +
                                          lowered(the_key(key, pair_number)) +
                                          " gives it a value (only an empty one, for no list, "
                                          "and not next to items).");
  }

  static std::string lowered(std::string text) {
    text[0] = 't';  // "The form key .." inside a sentence
    return text;
  }

  static RequestError twice(const std::string& field, std::string_view key,
                            std::size_t pair_number) {
    return RequestError::field(field, the_key(key, pair_number) +
                                          " appears more than once (form keys are matched "
                                          "case-insensitively, and [Member] is the same as "
                                          ".Member).");
  }

  static std::optional<RequestError> store_text(const FormPair& pair, std::size_t pair_number,
                                                const std::string& field, Text& slot) {
    auto value = decode_form_component(pair.encoded_value);
    if (!value) {
      return RequestError::field(
          field, undecodable("The value of " + lowered(the_key(pair.key, pair_number))));
    }
    slot = std::move(*value);
    return std::nullopt;
  }

  template <class Item, std::size_t N>
  std::optional<RequestError> bind_item(const FormPair& pair, std::size_t pair_number,
                                        std::string_view rest, std::string_view list_name,
                                        std::optional<std::vector<Item>>& list,
                                        std::vector<std::uint8_t>& seen,
                                        const std::array<ItemMember<Item>, N>& members) {
    const std::string name(list_name);
    const std::string list_field = "model." + name;
    const std::string shown = the_key(pair.key, pair_number);
    if (!rest.starts_with('[')) {
      return RequestError::field(list_field, "The " + name + " field is a list: " + lowered(shown) +
                                                 " needs an index and a member, as in " + name +
                                                 "[0][" + std::string(members[0].name) + "] or " +
                                                 name + "[0]." + std::string(members[0].name) +
                                                 ".");
    }
    const std::size_t close = rest.find(']');
    const auto index =
        close == std::string_view::npos ? std::nullopt : read_index(rest.substr(1, close - 1));
    if (!index) {
      return RequestError::field(list_field, shown +
                                                 " has an index that is not a whole number "
                                                 "written without sign or leading zeros.");
    }
    if (*index >= limits_.max_array_items) {
      return RequestError::field(list_field, list_limit(name, limits_.max_array_items));
    }
    const std::size_t size = list ? list->size() : 0;
    if (*index > size) {
      return RequestError::field(list_field, shown + " skips an index: " + name +
                                                 " items are numbered 0, 1, 2.. and must first "
                                                 "appear in that order (the next one is " +
                                                 std::to_string(size) + ").");
    }
    const std::string item_field = list_field + "[" + std::to_string(*index) + "]";
    const std::string_view after_index = rest.substr(close + 1);
    if (after_index.empty()) {
      return RequestError::field(item_field, shown + " names an item of " + name +
                                                 " but no member of it, as in " + name + "[" +
                                                 std::to_string(*index) + "][" +
                                                 std::string(members[0].name) + "].");
    }
    const auto member_name = read_member(after_index);
    if (!member_name) {
      return RequestError::field(item_field, shown + " does not have the shape " + name +
                                                 "[i][Member] or " + name +
                                                 "[i].Member: it nests deeper or is cut short.");
    }
    if (*index == size) {
      if (!list) list.emplace();
      list->emplace_back();
      seen.push_back(0);
    }
    const auto member = find_name(members, *member_name);
    if (!member) {
      // Unknown member: ignored (the item exists), once its value is well-formed.
      if (!decode_form_component(pair.encoded_value)) {
        return RequestError::field(item_field, undecodable("The value of " + lowered(shown)));
      }
      return std::nullopt;
    }
    const ItemMember<Item>& target = members[*member];
    const std::string field = item_field + "." + std::string(target.name);
    if (seen[*index] & (1u << *member)) return twice(field, pair.key, pair_number);
    seen[*index] |= static_cast<std::uint8_t>(1u << *member);
    Item& item = (*list)[*index];
    if (target.text != nullptr) return store_text(pair, pair_number, field, item.*target.text);

    auto value = decode_form_component(pair.encoded_value);
    if (!value) return RequestError::field(field, undecodable("The value of " + lowered(shown)));
    if (value->empty()) {
      (item.*target.flag).reset();
    } else if (domain::iequals(*value, "true")) {
      item.*target.flag = true;
    } else if (domain::iequals(*value, "false")) {
      item.*target.flag = false;
    } else {
      return RequestError::field(
          field, "The " + std::string(target.name) + " field must be true or false.");
    }
    return std::nullopt;
  }

  const DecodeLimits& limits_;
  std::uint32_t root_seen_ = 0;
  std::vector<std::uint8_t> patient_seen_;
  std::vector<std::uint8_t> file_seen_;
};

RequestError pair_error(const FormPairError& error, const DecodeLimits& limits) {
  const std::string pair = "The form key of pair " + std::to_string(error.pair_number);
  switch (error.problem) {
    case FormPairProblem::too_many_pairs:
      return model_error("The form has more than the limit of " +
                         std::to_string(form_max_pairs(limits)) + " fields.");
    case FormPairProblem::key_too_long:
      return model_error(pair + " is longer than the limit of " +
                         std::to_string(form_max_key_bytes) + " bytes.");
    case FormPairProblem::key_not_decodable:
      break;
  }
  return model_error(undecodable(pair));
}

}  // namespace

std::size_t form_max_pairs(const DecodeLimits& limits) {
  constexpr std::size_t kPerItem = 5;  // a patient's 3 members and a file's 2
  constexpr std::size_t kRootAllowance = 256;
  if (limits.max_array_items > (SIZE_MAX - kRootAllowance) / kPerItem) return SIZE_MAX;
  return limits.max_array_items * kPerItem + kRootAllowance;
}

domain::Outcome<OutgoingSecureMessageModel> decode_form(std::string_view body,
                                                        const DecodeLimits& limits) {
  if (body.size() > limits.max_bytes) {
    return RequestError::plain(ErrorKind::payload_too_large,
                               "The request body is larger than the limit of " +
                                   std::to_string(limits.max_bytes) + " bytes.");
  }
  auto split = split_form(body, {form_max_pairs(limits), form_max_key_bytes});
  if (const auto* error = std::get_if<FormPairError>(&split)) return pair_error(*error, limits);
  const auto& pairs = std::get<std::vector<FormPair>>(split);
  FormBinder binder(limits);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (auto error = binder.bind(pairs[i], i + 1)) return std::move(*error);
  }
  return std::move(binder.model);
}

}  // namespace relay::portal
