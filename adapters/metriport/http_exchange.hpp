// One HTTP exchange as the transport sees it: the request, the answer, or how it failed (at which
// stage, whether any request byte left and any answer byte came), which decides the outcome.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace relay::metriport {

struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string url;                                           // absolute http or https URL
  std::vector<std::pair<std::string, std::string>> headers;  // besides Host, User-Agent, ...
  std::string_view body;                      // must stay valid until the exchange completes
  std::chrono::milliseconds timeout{30'000};  // the whole exchange
};

struct HttpAnswer {
  int status = 0;
  boost::beast::http::fields headers;
  std::string body;
};

enum class FailureStage { request, pool_wait, resolve, connect, tls_handshake, write, read };
enum class FailureKind { error, timeout, answer_too_large, malformed_answer };

struct TransportFailure {
  FailureStage stage = FailureStage::connect;
  FailureKind kind = FailureKind::error;
  bool request_bytes_written = false;  // some of the request may have reached the server
  bool answer_bytes_received = false;
  bool reused_connection = false;  // the exchange ran on a pooled keep-alive connection
  std::string detail;              // system/library message, no PHI
};

using ExchangeResult = std::variant<HttpAnswer, TransportFailure>;

// GET, HEAD, PUT, DELETE, OPTIONS, TRACE: repeating them is harmless.
bool is_idempotent(boost::beast::http::verb method);

}  // namespace relay::metriport
