// Error reasons from answer bodies: only the error fields Metriport and object stores define are
// read (never a whole body), and every reason is bounded.
#include "adapters/metriport/error_reason.hpp"

#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>

#include "adapters/metriport/concat.hpp"

namespace relay::metriport {
namespace {

std::string_view string_field(const boost::json::object& object, std::string_view key) {
  const auto* found = object.if_contains(key);
  if (found == nullptr || !found->is_string()) return {};
  return found->get_string();
}

// The text of <Name>...</Name> in a small XML error document; empty when absent.
std::string_view xml_element(std::string_view body, std::string_view name) {
  const std::string open = concat({"<", name, ">"});
  const std::string close = concat({"</", name, ">"});
  const std::size_t start = body.find(open);
  if (start == std::string_view::npos) return {};
  const std::size_t from = start + open.size();
  const std::size_t end = body.find(close, from);
  if (end == std::string_view::npos) return {};
  return body.substr(from, end - from);
}

std::string_view trim_left(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  return text;
}

// "<title>: <detail>", "<title>", "<detail>" or empty.
std::string join(std::string_view title, std::string_view detail) {
  std::string text(title);
  if (!title.empty() && !detail.empty()) text += ": ";
  text += detail;
  return text;
}

// The part after "HTTP <status>": " Title: detail", ": message", or empty.
std::string describe_json(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return {};
  const auto& object = value.get_object();
  std::string_view title = string_field(object, "title");
  if (title.empty()) title = string_field(object, "name");
  const std::string_view detail = string_field(object, "detail");
  if (!title.empty()) return concat({" ", join(title, detail)});
  if (!detail.empty()) return concat({": ", detail});
  const std::string_view message = string_field(object, "message");
  if (!message.empty()) return concat({": ", message});
  return {};
}

// The part after "HTTP <status>" for an object store's XML error: " Code: Message".
std::string describe_xml(std::string_view body) {
  const std::string text = join(xml_element(body, "Code"), xml_element(body, "Message"));
  return text.empty() ? text : concat({" ", text});
}

bool contains_case_insensitive(std::string_view text, std::string_view word) {
  auto equal = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  };
  return std::search(text.begin(), text.end(), word.begin(), word.end(), equal) != text.end();
}
}  // namespace

std::string bounded_reason(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(byte < 0x20 || byte == 0x7f ? ' ' : c);
  }
  if (out.size() <= max_bytes) return out;
  std::size_t cut = max_bytes;
  // Step back over continuation bytes so no UTF-8 sequence is split.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out;
}

std::string describe_error_answer(int status, std::string_view body) {
  const std::string reason = concat({"HTTP ", std::to_string(status)});
  const std::string_view start = trim_left(body);
  std::string text;
  if (start.starts_with("{")) {
    text = describe_json(body);
  } else if (start.starts_with("<")) {
    text = describe_xml(body);
  }
  if (text.empty()) {
    const auto phrase =
        boost::beast::http::obsolete_reason(boost::beast::http::int_to_status(status));
    if (!phrase.empty() && phrase != "<unknown-status>") text = concat({" ", phrase});
  }
  return bounded_reason(concat({reason, text}));
}

bool is_expired_upload_answer(int status, std::string_view body) {
  if (status != 403 && status != 400) return false;
  return contains_case_insensitive(body, "expired");
}

}  // namespace relay::metriport
