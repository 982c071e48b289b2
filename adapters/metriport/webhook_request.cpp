// Webhook body reader (see webhook_request.hpp): a SAX pass finds duplicate keys (a DOM keeps only
// the last), then the DOM is checked field by field. Rejections name paths and rules, never values.
#include "adapters/metriport/webhook_request.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

#include <initializer_list>
#include <unordered_set>
#include <vector>

#include "gateway/domain/text.hpp"
#include "gateway/domain/timestamps.hpp"

namespace relay::metriport {
namespace {
namespace json = boost::json;
using boost::system::error_code;
using Rejection = WebhookRejection;

constexpr std::size_t max_message_id_units = 255;
constexpr std::size_t max_type_units = 100;
constexpr std::size_t max_request_id_units = 255;
constexpr std::size_t max_ping_units = 1000;
constexpr std::size_t max_reason_units = 5000;
constexpr std::size_t max_shown_key_bytes = 64;
constexpr std::size_t max_path_bytes = 120;
constexpr std::size_t any_length = static_cast<std::size_t>(-1);

// A key is shown in a path only when it is short and plainly an identifier; otherwise "*".
std::string shown_key(std::string_view key) {
  if (key.empty() || key.size() > max_shown_key_bytes) return "*";
  for (const char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    if (!plain) return "*";
  }
  return std::string(key);
}

std::string child_path(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  path += shown_key(key);
  return path;
}

// ---- Duplicate keys: a SAX handler with one key set per open object. ----

class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

  std::optional<std::string> duplicate_path;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return open(true); }
  bool on_object_end(std::size_t, error_code&) { return close(); }
  bool on_array_begin(error_code&) { return open(false); }
  bool on_array_end(std::size_t, error_code&) { return close(); }
  bool on_key_part(json::string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view part, std::size_t, error_code& ec) {
    key_.append(part.data(), part.size());
    Frame& frame = frames_.back();
    if (!frame.keys.insert(key_).second) {
      duplicate_path = child_path(frame.path, key_);
      ec = make_error_code(boost::system::errc::invalid_argument);
      return false;
    }
    last_key_ = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, error_code&) { return true; }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, error_code&) { return true; }
  bool on_double(double, json::string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  struct Frame {
    bool is_object;
    std::string path;
    std::unordered_set<std::string> keys;
  };

  bool open(bool is_object) {
    std::string path;
    if (!frames_.empty()) {
      const Frame& parent = frames_.back();
      path = parent.is_object ? child_path(parent.path, last_key_) : parent.path + "[]";
    }
    frames_.push_back(Frame{is_object, std::move(path), {}});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  std::vector<Frame> frames_;
  std::string key_;
  std::string last_key_;
};

json::parse_options parse_options() {
  json::parse_options options;
  options.max_depth = webhook_max_depth;
  return options;
}

// The body as a DOM, or why it is not one JSON object we accept.
std::variant<json::value, Rejection> parse_body(std::string_view raw_body) {
  const json::parse_options options = parse_options();
  json::basic_parser<DuplicateKeyFinder> sax(options);
  error_code ec;
  const std::size_t consumed = sax.write_some(false, raw_body.data(), raw_body.size(), ec);
  if (const auto& path = sax.handler().duplicate_path) {
    // Paths are ASCII (see shown_key), so cutting them anywhere keeps them valid text.
    if (path->size() <= max_path_bytes) return Rejection{*path, "duplicate key"};
    return Rejection{path->substr(0, max_path_bytes - 3) + "...", "duplicate key"};
  }
  if (ec == json::error::too_deep) {
    return Rejection{"body",
                     "is nested deeper than " + std::to_string(webhook_max_depth) + " levels"};
  }
  if (ec || consumed != raw_body.size()) {
    if (!domain::is_valid_utf8(raw_body)) return Rejection{"body", "is not valid UTF-8"};
    return Rejection{"body", "is not valid JSON"};
  }
  json::value value =
      json::parse(json::string_view(raw_body.data(), raw_body.size()), ec, {}, options);
  if (ec) return Rejection{"body", "is not valid JSON"};
  if (!value.is_object()) return Rejection{"body", "must be a JSON object"};
  return value;
}

// ---- Field rules on the DOM. ----

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : !is_hex(text[i])) return false;
  }
  return true;
}

std::string lower_ascii(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

bool is_digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return false;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

// YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), as JavaScript's toISOString writes it (or with
// an offset). The shape is checked here, the ranges and the calendar by parse_portal_timestamp.
bool is_date_time(std::string_view text) {
  if (text.size() < 20 || !is_digits(text, 0, 4) || text[4] != '-' || !is_digits(text, 5, 2) ||
      text[7] != '-' || !is_digits(text, 8, 2) || text[10] != 'T' || !is_digits(text, 11, 2) ||
      text[13] != ':' || !is_digits(text, 14, 2) || text[16] != ':' || !is_digits(text, 17, 2)) {
    return false;
  }
  if (text.substr(0, 4) == "0000") return false;  // no year 0 (PostgreSQL refuses it)
  std::size_t pos = 19;
  if (text[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    const std::size_t digits = pos - start;
    if (digits == 0 || digits > 9) return false;
  }
  const std::string_view zone = text.substr(pos);
  const bool zulu = zone == "Z";
  const bool offset = zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
                      is_digits(zone, 1, 2) && zone[3] == ':' && is_digits(zone, 4, 2);
  return (zulu || offset) && domain::parse_portal_timestamp(text).has_value();
}

std::string at_most(std::size_t units) {
  return "must be at most " + std::to_string(units) + " characters";
}

// Reads fields of one object; the first broken rule is kept and later reads do nothing.
class FieldReader {
 public:
  std::optional<Rejection> rejection;

  explicit operator bool() const { return !rejection; }

  void fail(std::string field, std::string problem) {
    if (!rejection) rejection = Rejection{std::move(field), std::move(problem)};
  }

  const json::object* object(const json::object& parent, std::string_view parent_path,
                             std::string_view key) {
    const json::value* value = present(parent, parent_path, key);
    if (value == nullptr) return nullptr;
    if (!value->is_object())
      return fail(child_path(parent_path, key), "must be an object"), nullptr;
    return &value->get_object();
  }

  // Text of 1..max_units UTF-16 units (min_units 0 allows ""); nullopt when absent or broken.
  std::optional<std::string> text(const json::object& parent, std::string_view parent_path,
                                  std::string_view key, std::size_t min_units,
                                  std::size_t max_units, bool required = true) {
    if (rejection) return std::nullopt;
    if (!required && !parent.contains(key)) return std::nullopt;
    const json::value* value = present(parent, parent_path, key);
    if (value == nullptr) return std::nullopt;
    const std::string field = child_path(parent_path, key);
    if (!value->is_string()) return fail(field, "must be a string"), std::nullopt;
    const std::string_view found = value->get_string();
    const std::size_t units = domain::utf16_length(found);
    if (units < min_units) return fail(field, "must not be empty"), std::nullopt;
    if (units > max_units) return fail(field, at_most(max_units)), std::nullopt;
    return std::string(found);
  }

  std::string date_time(const json::object& parent, std::string_view parent_path,
                        std::string_view key) {
    auto found = text(parent, parent_path, key, 0, any_length);
    if (!found) return {};
    if (!is_date_time(*found)) fail(child_path(parent_path, key), "must be an ISO 8601 date-time");
    return std::move(*found);
  }

  std::string uuid(const json::object& parent, std::string_view parent_path, std::string_view key) {
    auto found = text(parent, parent_path, key, 0, any_length);
    if (!found) return {};
    if (!is_uuid(*found)) fail(child_path(parent_path, key), "must be a UUID");
    return lower_ascii(*found);
  }

 private:
  const json::value* present(const json::object& parent, std::string_view parent_path,
                             std::string_view key) {
    if (rejection) return nullptr;
    const json::value* value = parent.if_contains(key);
    if (value == nullptr) fail(child_path(parent_path, key), "is required");
    return value;
  }
};

WebhookMeta read_meta(FieldReader& reader, const json::object& meta) {
  WebhookMeta read;
  read.type = reader.text(meta, "meta", "type", 1, max_type_units).value_or("");
  read.message_id = reader.text(meta, "meta", "messageId", 1, max_message_id_units).value_or("");
  read.when = reader.date_time(meta, "meta", "when");
  read.request_id = reader.text(meta, "meta", "requestId", 0, max_request_id_units, false);
  const json::value* data = meta.if_contains("data");
  read.has_data = data != nullptr && !data->is_null();
  return read;
}

MessageStatusWebhook read_status_payload(FieldReader& reader, const json::object& payload) {
  MessageStatusWebhook read;
  read.id = reader.uuid(payload, "payload", "id");
  read.patient_id = reader.uuid(payload, "payload", "patientId");
  read.status = reader.text(payload, "payload", "status", 0, any_length).value_or("");
  if (reader && read.status != "completed" && read.status != "failed") {
    reader.fail("payload.status", "must be completed or failed");
  }
  read.sent_at = reader.date_time(payload, "payload", "sentAt");
  read.completed_at = reader.date_time(payload, "payload", "completedAt");
  read.reason = reader.text(payload, "payload", "reason", 1, max_reason_units, false);
  return read;
}

// Keys of object outside known go to the request's ignored fields (their values are not read:
// Metriport's schemas drop unknown keys, so a field it adds must not refuse the event).
void note_unknown_keys(const json::object& object, std::string_view path,
                       std::initializer_list<std::string_view> known, WebhookRequest& request) {
  for (const auto& member : object) {
    bool is_known = false;
    for (const auto name : known) is_known = is_known || member.key() == name;
    if (is_known) continue;
    ++request.ignored_field_count;
    if (request.ignored_fields.size() < webhook_max_listed_ignored_fields) {
      request.ignored_fields.push_back(child_path(path, member.key()));
    }
  }
}

// The base webhook metadata Metriport's schemas define for every type.
void note_unknown_meta_keys(const json::object& meta, WebhookRequest& request) {
  note_unknown_keys(meta, "meta", {"messageId", "requestId", "when", "type", "data"}, request);
}

}  // namespace

std::variant<WebhookRequest, WebhookRejection> parse_webhook_request(std::string_view raw_body) {
  auto parsed = parse_body(raw_body);
  if (auto* rejection = std::get_if<Rejection>(&parsed)) return std::move(*rejection);
  const json::object& root = std::get<json::value>(parsed).get_object();

  FieldReader reader;
  const json::object* meta = reader.object(root, "", "meta");
  if (!reader) return std::move(*reader.rejection);
  WebhookRequest request;
  request.meta = read_meta(reader, *meta);
  if (!reader) return std::move(*reader.rejection);

  if (request.meta.type == "ping") {
    note_unknown_keys(root, "", {"meta", "ping"}, request);
    note_unknown_meta_keys(*meta, request);
    PingWebhook ping;
    ping.ping = reader.text(root, "", "ping", 0, max_ping_units).value_or("");
    request.body = std::move(ping);
  } else if (request.meta.type == "message.status") {
    note_unknown_keys(root, "", {"meta", "payload"}, request);
    note_unknown_meta_keys(*meta, request);
    const json::object* payload = reader.object(root, "", "payload");
    if (payload != nullptr) {
      request.body = read_status_payload(reader, *payload);
      note_unknown_keys(*payload, "payload",
                        {"id", "patientId", "status", "sentAt", "completedAt", "reason"}, request);
    }
  } else {
    request.body = OtherWebhook{};
  }
  if (!reader) return std::move(*reader.rejection);
  return request;
}

}  // namespace relay::metriport
