// Framing checks as pure functions of the request header: every Transfer-Encoding field's codings
// are read as one list (a repeated field is the same as one comma-joined field, §5.3).
#include "gateway/http/request_framing.hpp"

#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

#include "gateway/domain/text.hpp"

namespace relay::http {
namespace {

// The transfer codings named by every Transfer-Encoding field, in order, lower-cased, without
// parameters or optional whitespace. Empty list elements are skipped (RFC 9110 §5.6.1), but a
// field with none at all counts as one empty coding, so it can never pass for "chunked".
std::vector<std::string> transfer_codings(const RequestHeader& header) {
  std::vector<std::string> codings;
  const auto [first, last] = header.equal_range(beast_http::field::transfer_encoding);
  for (auto field = first; field != last; ++field) {
    const std::string_view value = field->value();
    const std::size_t before = codings.size();
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t end = value.find(',', start);
      if (end == std::string_view::npos) end = value.size();
      std::string_view element = value.substr(start, end - start);
      element = element.substr(0, element.find(';'));
      while (!element.empty() && (element.front() == ' ' || element.front() == '\t')) {
        element.remove_prefix(1);
      }
      while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) {
        element.remove_suffix(1);
      }
      std::string coding = domain::to_lower_ascii(element);
      if (!coding.empty()) codings.push_back(std::move(coding));
      start = end + 1;
    }
    if (codings.size() == before) codings.emplace_back();
  }
  return codings;
}

std::size_t count(const RequestHeader& header, beast_http::field name) {
  const auto range = header.equal_range(name);
  return static_cast<std::size_t>(std::distance(range.first, range.second));
}

}  // namespace

std::optional<FramingRefusal> check_framing(const RequestHeader& header) {
  const std::size_t hosts = count(header, beast_http::field::host);
  if (hosts > 1)
    return FramingRefusal{beast_http::status::bad_request, "more than one Host header"};
  if (hosts == 0 && header.version() >= 11) {
    return FramingRefusal{beast_http::status::bad_request,
                          "an HTTP/1.1 request needs a Host header"};
  }

  if (count(header, beast_http::field::transfer_encoding) == 0) return std::nullopt;
  if (header.version() < 11) {
    return FramingRefusal{beast_http::status::bad_request,
                          "Transfer-Encoding is not allowed in an HTTP/1.0 request"};
  }
  if (count(header, beast_http::field::content_length) > 0) {
    return FramingRefusal{beast_http::status::bad_request,
                          "a request may not carry both Transfer-Encoding and Content-Length"};
  }
  const auto codings = transfer_codings(header);
  if (codings.empty() || codings.back() != "chunked") {
    return FramingRefusal{beast_http::status::bad_request,
                          "the final transfer coding of a request must be chunked"};
  }
  if (codings.size() > 1) {
    return FramingRefusal{beast_http::status::not_implemented,
                          "no transfer coding other than chunked is supported"};
  }
  return std::nullopt;
}

}  // namespace relay::http
