// Random tokens from OpenSSL's RAND_bytes; the Cookie header is split as RFC 6265 §4.2.1 writes
// it (pairs separated by "; "), the first pair with the session cookie's name wins.
#include "gateway/ops/session_token.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "gateway/domain/base64.hpp"
#include "gateway/domain/digest.hpp"

namespace relay::ops {
namespace {

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return bytes;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string new_session_token() {
  return "ops_" + domain::base64url_encode(random_bytes(32));
}

std::string new_csrf_token() {
  return domain::base64url_encode(random_bytes(24));
}

std::string session_token_digest(std::string_view token) {
  return domain::sha256_hex(token);
}

std::string_view session_cookie_value(std::string_view cookie_header) {
  while (!cookie_header.empty()) {
    const auto end = cookie_header.find(';');
    const std::string_view pair = trim(cookie_header.substr(0, end));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == session_cookie_name) {
      return trim(pair.substr(equals + 1));
    }
    if (end == std::string_view::npos) break;
    cookie_header.remove_prefix(end + 1);
  }
  return {};
}

}  // namespace relay::ops
