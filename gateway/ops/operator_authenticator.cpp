// The bearer header wins over the cookie (scripts and the CLI use it; the dashboard uses the
// cookie). Tokens are checked for shape before their digest is looked up.
#include "gateway/ops/operator_authenticator.hpp"

#include "gateway/domain/digest.hpp"
#include "gateway/domain/text.hpp"
#include "gateway/ops/session_token.hpp"

namespace relay::ops {
namespace {

constexpr std::size_t max_token_chars = 128;

bool shaped_like_session_token(std::string_view token) {
  if (token.size() < 8 || token.size() > max_token_chars || !token.starts_with("ops_")) {
    return false;
  }
  for (char c : token.substr(4)) {
    const bool url_safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!url_safe) return false;
  }
  return true;
}

std::string_view bearer_token(std::string_view header) {
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size() || !domain::iequals(header.substr(0, scheme.size()), scheme)) {
    return {};
  }
  auto token = header.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token;
}

}  // namespace

boost::asio::awaitable<std::optional<OperatorIdentity>> OperatorAuthenticator::identify(
    const http::Request& request) {
  bool via_cookie = false;
  std::string_view token = bearer_token(request[beast_http::field::authorization]);
  if (token.empty()) {
    token = session_cookie_value(request[beast_http::field::cookie]);
    via_cookie = true;
  }
  if (!shaped_like_session_token(token)) co_return std::nullopt;
  const std::string digest = session_token_digest(token);
  auto session = co_await store_.find_session(digest);
  if (!session) co_return std::nullopt;
  co_return OperatorIdentity{std::move(*session), via_cookie};
}

bool OperatorAuthenticator::carries_csrf_token(const http::Request& request,
                                               const pg::OperatorSession& session) {
  const auto sent = request[csrf_header_name];
  return !sent.empty() && domain::constant_time_equals(sent, session.csrf_token);
}

}  // namespace relay::ops
