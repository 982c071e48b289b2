// Tests for adapters/metriport/tls_context (through connection and http_client): a server with a
// certificate made at test time; verification against system CAs and ca_file, host names, SNI.
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "adapters/metriport/classification.hpp"
#include "adapters/metriport/http_client.hpp"
#include "adapters/metriport/tls_context.hpp"
#include "client_runner.hpp"
#include "self_signed_cert.hpp"
#include "test_server.hpp"

namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace relay::metriport;
using test_support::ClientRunner;
using test_support::SelfSignedCert;
using test_support::ServerReply;
using test_support::ServerRequest;
using test_support::TestServer;

// One certificate for the suite (key generation is the slow part) and its PEM in a temp file.
struct CertFixture {
  CertFixture() : cert(test_support::make_self_signed_cert()) {
    path = std::filesystem::temp_directory_path() /
           ("metriport-tls-test-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(path) << cert.cert_pem;
  }
  ~CertFixture() { std::filesystem::remove(path); }
  SelfSignedCert cert;
  std::filesystem::path path;
};

ServerReply ok(const ServerRequest&) {
  return ServerReply::json(200, R"({"tls":true})");
}

struct Result {
  CallOutcome outcome;
  std::string reason;
  int status = 0;
};

Result get(ClientRunner& runner, HttpClient& client, const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = 3s;
  auto exchanged = runner.run([&client, request]() -> asio::awaitable<ExchangeResult> {
    co_return co_await client.exchange(request);
  });
  if (auto* answer = std::get_if<HttpAnswer>(&exchanged)) {
    return {classify_answer(*answer, true, std::chrono::system_clock::now()).outcome, "",
            answer->status};
  }
  auto classification = classify_failure(std::get<TransportFailure>(exchanged), true);
  return {classification.outcome, classification.reason, 0};
}

HttpClientSettings with_ca(const std::optional<std::string>& ca_file) {
  HttpClientSettings settings;
  settings.connect_timeout = 2s;
  settings.ca_file = ca_file;
  return settings;
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(metriport_tls, CertFixture)

BOOST_AUTO_TEST_CASE(untrusted_certificate_fails_verification) {
  TestServer server(ok, cert);
  ClientRunner runner;
  HttpClient client(runner.executor(), with_ca(std::nullopt));
  const auto result = get(runner, client, server.origin("localhost") + "/x");
  BOOST_TEST((result.outcome == CallOutcome::transient));
  BOOST_TEST(result.reason.starts_with("TLS handshake failed: certificate verify failed"));
  BOOST_TEST(result.reason.find("self-signed certificate") != std::string::npos);
  BOOST_TEST(server.requests().empty());
}

BOOST_AUTO_TEST_CASE(trusted_through_ca_file_with_sni) {
  TestServer server(ok, cert);
  ClientRunner runner;
  HttpClient client(runner.executor(), with_ca(path.string()));
  const auto first = get(runner, client, server.origin("localhost") + "/x");
  BOOST_TEST((first.outcome == CallOutcome::success));
  BOOST_TEST(first.status == 200);
  const auto second = get(runner, client, server.origin("localhost") + "/y");
  BOOST_TEST((second.outcome == CallOutcome::success));
  // SNI carries the URL's host; the TLS connection was kept alive and reused.
  BOOST_TEST(server.server_names() == (std::vector<std::string>{"localhost"}),
             boost::test_tools::per_element());
  BOOST_TEST(server.connections() == 1);
  BOOST_TEST(server.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(ip_address_host_verified_against_ip_san_without_sni) {
  TestServer server(ok, cert);
  ClientRunner runner;
  HttpClient client(runner.executor(), with_ca(path.string()));
  const auto result = get(runner, client, server.origin("127.0.0.1") + "/x");
  BOOST_TEST((result.outcome == CallOutcome::success));
  BOOST_TEST(server.server_names() == (std::vector<std::string>{""}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(host_name_mismatch_fails) {
  // A trusted certificate for another name: the chain verifies, the host name check must not.
  const SelfSignedCert other = test_support::make_self_signed_cert("DNS:other.example");
  const auto other_path = path.string() + ".other";
  std::ofstream(other_path) << other.cert_pem;
  TestServer server(ok, other);
  ClientRunner runner;
  HttpClient client(runner.executor(), with_ca(other_path));
  const auto result = get(runner, client, server.origin("localhost") + "/x");
  std::filesystem::remove(other_path);
  BOOST_TEST((result.outcome == CallOutcome::transient));
  BOOST_TEST(result.reason.starts_with("TLS handshake failed"), "reason: " << result.reason);
  BOOST_TEST(server.requests().empty());
}

BOOST_AUTO_TEST_CASE(missing_ca_file_throws) {
  BOOST_CHECK_THROW(make_client_tls_context(std::string("/nonexistent/ca.pem")),
                    boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
