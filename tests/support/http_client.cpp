// HttpClient: Beast asynchronous operations driven to completion on a private io_context, so each
// call blocks like a synchronous one while the stream's deadline bounds every connect/read/write.
#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

namespace relay::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

constexpr std::uint64_t kBodyLimit = 256ull * 1024 * 1024;
constexpr std::uint32_t kHeaderLimit = 1024 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool has_header(const std::map<std::string, std::string>& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& entry) { return iequals(entry.first, name); });
}

// Errors meaning "the server had closed the reused connection", worth one reconnect.
bool is_stale_connection_error(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

// Whether data holds one complete final (non-1xx) HTTP answer.
bool holds_complete_response(std::string_view data) {
  std::size_t offset = 0;
  while (offset < data.size()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(kHeaderLimit);
    std::size_t used = 0;
    while (!parser.is_done() && offset + used < data.size()) {
      error_code ec;
      const std::size_t n =
          parser.put(asio::buffer(data.data() + offset + used, data.size() - offset - used), ec);
      used += n;
      if (ec == http::error::need_more) {
        if (n == 0) return false;
        continue;
      }
      if (ec) return false;
      if (n == 0) return false;
    }
    if (!parser.is_done()) return false;
    const unsigned status = parser.get().result_int();
    if (status >= 200 || status == 101) return true;
    offset += used;  // an interim answer (100 Continue): look for the final one after it
  }
  return false;
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const noexcept {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) <
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string HttpResult::header(std::string_view name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
  asio::io_context ioc{1};
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Runs queued operations until they finish; the stream deadline normally ends them, and the
  // extra bound closes the socket if something outlived it.
  void drive(beast::tcp_stream& s, Clock::time_point deadline) {
    ioc.restart();
    ioc.run_until(deadline + std::chrono::milliseconds(500));
    if (!ioc.stopped()) {
      s.close();
      ioc.restart();
      ioc.run();
    }
  }

  tcp::resolver::results_type resolve(const std::string& host, std::uint16_t port) {
    tcp::resolver resolver(ioc);
    error_code ec;
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec) throw HttpClientError("HttpClient: cannot resolve " + host + ": " + ec.message());
    return results;
  }

  void connect(beast::tcp_stream& s, const std::string& host, std::uint16_t port,
               Clock::time_point deadline) {
    const auto endpoints = resolve(host, port);
    error_code result = asio::error::would_block;
    s.expires_at(deadline);
    s.async_connect(endpoints, [&](error_code ec, const tcp::endpoint&) { result = ec; });
    drive(s, deadline);
    if (result) {
      s.close();
      throw HttpClientError("HttpClient: cannot connect to " + host + ":" + std::to_string(port) +
                            ": " + result.message());
    }
  }

  void close() {
    if (stream) {
      error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->close();
      stream.reset();
    }
    buffer.consume(buffer.size());
  }

  struct Exchange {
    error_code read_ec;
    error_code write_ec;
    bool got_bytes = false;
    bool write_finished = false;
    std::optional<http::response<http::string_body>> response;
  };

  // Writes the request and reads the answer at the same time, so an early answer (e.g. 413 while
  // the body is still being sent) is still received.
  Exchange exchange(const http::request<http::string_body>& request, bool head,
                    Clock::time_point deadline) {
    Exchange out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    parser.header_limit(kHeaderLimit);
    if (head) parser.skip(true);
    bool read_finished = false;
    out.read_ec = asio::error::would_block;
    out.write_ec = asio::error::would_block;
    stream->expires_at(deadline);
    http::async_write(*stream, request, [&](error_code ec, std::size_t) {
      out.write_ec = ec;
      out.write_finished = true;
    });
    http::async_read(*stream, buffer, parser, [&](error_code ec, std::size_t) {
      out.read_ec = ec;
      read_finished = true;
      if (!out.write_finished) stream->socket().cancel();  // answered before the body was read
    });
    drive(*stream, deadline);
    out.got_bytes = parser.got_some();
    if (read_finished && !out.read_ec) out.response = parser.release();
    return out;
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout), impl_(std::make_unique<Impl>()) {}

HttpClient::~HttpClient() {
  if (impl_) impl_->close();
}

HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::set_default_header(std::string name, std::string value) {
  if (value.empty()) {
    default_headers_.erase(name);
  } else {
    default_headers_[std::move(name)] = std::move(value);
  }
}

void HttpClient::set_timeout(std::chrono::milliseconds timeout) {
  timeout_ = timeout;
}

void HttpClient::close() {
  impl_->close();
}

HttpResult HttpClient::get(std::string target, std::map<std::string, std::string> headers) {
  return request("GET", std::move(target), {}, std::move(headers));
}

HttpResult HttpClient::post(std::string target, std::string body,
                            std::map<std::string, std::string> headers) {
  if (!has_header(headers, "Content-Type")) headers["Content-Type"] = "application/json";
  return request("POST", std::move(target), std::move(body), std::move(headers));
}

HttpResult HttpClient::request(std::string method, std::string target, std::string body,
                               std::map<std::string, std::string> headers) {
  const auto deadline = Clock::now() + timeout_;
  for (const auto& [name, value] : default_headers_) {
    if (!has_header(headers, name)) headers[name] = value;
  }

  http::request<http::string_body> req;
  req.version(11);
  req.method_string(method);
  req.target(target);
  if (!has_header(headers, "Host")) req.set(http::field::host, host_ + ":" + std::to_string(port_));
  if (!has_header(headers, "User-Agent")) req.set(http::field::user_agent, "relay-tests");
  for (const auto& [name, value] : headers) req.insert(name, value);
  const bool sends_body = !body.empty() || iequals(method, "POST") || iequals(method, "PUT") ||
                          iequals(method, "PATCH");
  if (sends_body && !has_header(headers, "Content-Length") &&
      !has_header(headers, "Transfer-Encoding")) {
    req.content_length(body.size());
  }
  req.body() = std::move(body);
  const bool head = iequals(method, "HEAD");

  const bool reused = impl_->stream.has_value();
  if (!reused) {
    impl_->stream.emplace(impl_->ioc);
    impl_->connect(*impl_->stream, host_, port_, deadline);
  }
  auto result = impl_->exchange(req, head, deadline);
  if (!result.response && reused && !result.got_bytes &&
      is_stale_connection_error(result.read_ec) && Clock::now() < deadline) {
    impl_->close();
    impl_->stream.emplace(impl_->ioc);
    impl_->connect(*impl_->stream, host_, port_, deadline);
    result = impl_->exchange(req, head, deadline);
  }
  if (!result.response) {
    impl_->close();
    const error_code& ec = result.read_ec ? result.read_ec : result.write_ec;
    throw HttpClientError(
        "HttpClient: " + method + " " + target + " on " + host_ + ":" + std::to_string(port_) +
        " failed: " + (ec == beast::error::timeout ? std::string("timeout") : ec.message()));
  }

  const auto& response = *result.response;
  HttpResult out;
  out.status = static_cast<int>(response.result_int());
  for (const auto& field : response.base()) {
    const std::string name(field.name_string());
    auto [it, inserted] = out.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second.append(", ").append(field.value());
  }
  out.body = response.body();
  if (!response.keep_alive() || !result.write_finished || result.write_ec) impl_->close();
  return out;
}

std::string HttpClient::send_raw(std::string bytes, bool until_close) {
  const auto deadline = Clock::now() + timeout_;
  beast::tcp_stream raw(impl_->ioc);
  impl_->connect(raw, host_, port_, deadline);

  std::string received;
  std::array<char, 16 * 1024> chunk{};
  raw.expires_at(deadline);
  asio::async_write(raw, asio::buffer(bytes), [](error_code, std::size_t) {});
  std::function<void()> read_more = [&] {
    raw.async_read_some(asio::buffer(chunk), [&](error_code ec, std::size_t n) {
      received.append(chunk.data(), n);
      if (ec || (!until_close && holds_complete_response(received))) {
        raw.socket().cancel();  // also ends a write the server never read
        return;
      }
      read_more();
    });
  };
  read_more();
  impl_->drive(raw, deadline);
  error_code ignored;
  raw.socket().shutdown(tcp::socket::shutdown_both, ignored);
  raw.close();
  return received;
}

}  // namespace relay::testing
