// An in-process HTTP/1.1 server on 127.0.0.1 (port 0) for the Metriport client's transport tests:
// plain or TLS, scripted per request (answer, answer then close, drop, hang), counting connections.
#pragma once

#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "self_signed_cert.hpp"

namespace relay::metriport::test_support {

struct ServerRequest {
  std::string method;
  std::string target;
  std::string body;
  boost::beast::http::fields headers;
  int connection = 0;             // 1-based, in accept order
  int request_on_connection = 0;  // 1-based
};

struct ServerReply {
  enum class Action {
    answer,             // answer and keep the connection
    answer_then_close,  // answer (keep-alive headers) and close right after
    drop,               // close without answering
    hang,               // never answer (until the server stops)
  };
  Action action = Action::answer;
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // before acting

  static ServerReply json(int status, std::string body) {
    ServerReply reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.headers.emplace_back("Content-Type", "application/json");
    return reply;
  }
  static ServerReply with(Action action) {
    ServerReply reply;
    reply.action = action;
    return reply;
  }
};

using ServerHandler = std::function<ServerReply(const ServerRequest&)>;

class TestServer {
 public:
  // Serves on its own thread until destroyed; TLS when `cert` is given.
  explicit TestServer(ServerHandler handler, std::optional<SelfSignedCert> cert = std::nullopt);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  unsigned short port() const;
  // "http://127.0.0.1:PORT" (or https, or another host name for the same port).
  std::string origin(const std::string& host = "127.0.0.1") const;
  int connections() const;
  int handshake_failures() const;
  std::vector<ServerRequest> requests() const;
  std::vector<std::string> server_names() const;  // SNI of each completed TLS handshake

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace relay::metriport::test_support
