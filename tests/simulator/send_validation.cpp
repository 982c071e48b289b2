// Mirrors zod's evaluation: fields in shape order (length issues, then element issues), then the
// strict unknown-keys issue, then the body-or-attachments refine unless a type error aborted
// parsing.
#include "tests/simulator/send_validation.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <array>

#include "gateway/domain/metriport_text.hpp"
#include "gateway/domain/text.hpp"

namespace relay::sim {
namespace {
namespace json = boost::json;

constexpr std::array<std::string_view, 5> known_keys = {"destination", "subject", "body",
                                                        "attachments", "intendedRecipientNpi"};

// zod's name for the JSON type it received.
std::string received_type(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "unknown";
}

class Checker {
 public:
  std::vector<SchemaIssue> issues;
  bool aborted = false;  // an invalid_type issue: zod skips the object's refinements

  void add(std::string path, std::string message) {
    issues.push_back({std::move(path), std::move(message)});
  }

  void type_error(const std::string& path, const json::value* value, std::string_view expected) {
    aborted = true;
    if (value == nullptr) {
      add(path, "Required");
    } else {
      add(path, "Expected " + std::string(expected) + ", received " + received_type(*value));
    }
  }

  // z.string().min(min).max(max) on the (already normalised) text, counted in UTF-16 units.
  void string_length(const std::string& path, std::string_view text, std::size_t min,
                     std::size_t max) {
    const std::size_t length = domain::utf16_length(text);
    if (length < min) {
      add(path, "String must contain at least " + std::to_string(min) + " character(s)");
    }
    if (length > max) {
      add(path, "String must contain at most " + std::to_string(max) + " character(s)");
    }
  }

  // z.array(...).min(1).max(max): length issues first, then each element.
  template <class Element>
  std::optional<std::vector<std::string>> string_array(const std::string& path,
                                                       const json::value& value, std::size_t max,
                                                       Element check_element) {
    if (!value.is_array()) {
      type_error(path, &value, "array");
      return std::nullopt;
    }
    const auto& array = value.get_array();
    if (array.empty()) add(path, "Array must contain at least 1 element(s)");
    if (array.size() > max) {
      add(path, "Array must contain at most " + std::to_string(max) + " element(s)");
    }
    std::vector<std::string> items;
    for (std::size_t i = 0; i < array.size(); ++i) {
      const std::string item_path = path + "." + std::to_string(i);
      if (!array[i].is_string()) {
        type_error(item_path, &array[i], "string");
        continue;
      }
      const std::string item(array[i].get_string());
      check_element(item_path, item);
      items.push_back(item);
    }
    return items;
  }
};

}  // namespace

bool is_zod_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string SendValidation::detail() const {
  std::string out;
  for (const auto& issue : issues) {
    if (!out.empty()) out += "; ";
    if (!issue.path.empty()) out += issue.path + ": ";
    out += issue.message;
  }
  return out;
}

SendValidation validate_send_body(const json::value& root) {
  SendValidation result;
  Checker check;
  if (!root.is_object()) {
    check.type_error("", &root, "object");
    result.issues = std::move(check.issues);
    return result;
  }
  const auto& object = root.get_object();
  SendBody body;

  const json::value* destination = object.if_contains("destination");
  if (destination == nullptr || !destination->is_string()) {
    check.type_error("destination", destination, "string");
  } else {
    body.destination = std::string(destination->get_string());
    check.string_length("destination", body.destination, 1, max_destination_length);
  }

  const json::value* subject = object.if_contains("subject");
  if (subject == nullptr || !subject->is_string()) {
    check.type_error("subject", subject, "string");
  } else {
    body.subject = domain::normalise_like_metriport(subject->get_string());
    check.string_length("subject", body.subject, 1, max_subject_length);
  }

  if (const json::value* text = object.if_contains("body")) {
    if (!text->is_string()) {
      check.type_error("body", text, "string");
    } else {
      body.body = domain::normalise_like_metriport(text->get_string());
      check.string_length("body", *body.body, 1, max_body_length);
    }
  }

  if (const json::value* attachments = object.if_contains("attachments")) {
    body.attachments = check.string_array("attachments", *attachments, max_attachments,
                                          [&](const std::string& path, const std::string& item) {
                                            if (!is_zod_uuid(item)) check.add(path, "Invalid uuid");
                                          });
  }

  if (const json::value* npis = object.if_contains("intendedRecipientNpi")) {
    body.intended_recipient_npi =
        check.string_array("intendedRecipientNpi", *npis, max_intended_recipient_npis,
                           [&](const std::string& path, const std::string& item) {
                             check.string_length(path, item, 1, SIZE_MAX);
                           });
  }

  std::string unknown;
  for (const auto& [key, value] : object) {
    bool known = false;
    for (auto name : known_keys) known = known || key == name;
    if (known) continue;
    if (!unknown.empty()) unknown += ", ";
    unknown += '\'';
    unknown.append(key.data(), key.size());
    unknown += '\'';
  }
  if (!unknown.empty()) check.add("", "Unrecognized key(s) in object: " + unknown);

  if (!check.aborted && !body.body && !body.attachments) {
    check.add("", "At least one of body or attachments is required");
  }

  result.issues = std::move(check.issues);
  if (result.issues.empty()) result.body = std::move(body);
  return result;
}

}  // namespace relay::sim
