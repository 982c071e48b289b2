// A small blocking HTTP/1.1 client for integration tests, on Boost.Beast: one keep-alive
// connection (reopened when the server closed it), every call bounded by a timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relay::testing {

// Orders header names without regard to ASCII case, so headers["content-type"] finds Content-Type.
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept;
};

using HeaderMap = std::map<std::string, std::string, CaseInsensitiveLess>;

struct HttpResult {
  int status = 0;
  HeaderMap headers;  // repeated headers are joined with ", "
  std::string body;

  // The header's value, or an empty string when absent.
  std::string header(std::string_view name) const;
};

// Thrown when connecting, writing or reading fails or the timeout elapses.
struct HttpClientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class HttpClient {
 public:
  explicit HttpClient(std::string host, std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends one request on the keep-alive connection and reads the whole answer. Host, User-Agent and
  // Content-Length are set unless given; headers set with set_default_header are added unless
  // given. If a reused connection turns out closed before any answer byte, reconnects once.
  HttpResult request(std::string method, std::string target, std::string body = {},
                     std::map<std::string, std::string> headers = {});
  HttpResult get(std::string target, std::map<std::string, std::string> headers = {});
  // POST; Content-Type defaults to application/json when the headers do not name one.
  HttpResult post(std::string target, std::string body,
                  std::map<std::string, std::string> headers = {});

  // Writes the bytes as they are on a fresh connection and returns everything the server sent
  // until it closed the connection, one complete HTTP answer arrived (unless until_close), or the
  // timeout elapsed. For malformed-request tests: never throws for what the server does (a reset or
  // a timeout just ends the text), only when it cannot connect.
  std::string send_raw(std::string bytes, bool until_close = false);

  // A header added to every request (e.g. Authorization); an empty value removes it.
  void set_default_header(std::string name, std::string value);
  void set_timeout(std::chrono::milliseconds timeout);
  // Closes the keep-alive connection; the next request opens a new one.
  void close();

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }

 private:
  struct Impl;
  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_;
  HeaderMap default_headers_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relay::testing
