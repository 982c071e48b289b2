// In-process round trips through the real HTTP server on port 0 with a Beast sync client: the
// delivery flow with a signed webhook to a local receiver, 401, 413, latency and a dropped send.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <mutex>
#include <thread>

#include "gateway/domain/digest.hpp"
#include "gateway/log/log.hpp"
#include "tests/simulator/simulator.hpp"

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

const std::string webhook_key = "V1StGXR8_Z5jdHi6B-myT";

struct Answer {
  int status = 0;  // 0: the server closed the connection without answering
  std::string body;
  http::fields headers;
};

// One request on a fresh connection (sync Beast client).
// Sends only the header of a POST announcing `length` body bytes and reads the answer: a server
// refusing the size answers before the body, and no half-written body can reset the connection.
int status_for_announced_body(std::uint16_t port, const std::string& target, std::size_t length) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(10s);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  const std::string head = "POST " + target +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: K\r\n"
                           "Content-Type: application/json\r\nContent-Length: " +
                           std::to_string(length) + "\r\n\r\n";
  asio::write(stream, asio::buffer(head));
  beast::flat_buffer buffer;
  http::response<http::string_body> answer;
  boost::system::error_code ec;
  http::read(stream, buffer, answer, ec);
  return ec ? 0 : static_cast<int>(answer.result_int());
}

Answer call(std::uint16_t port, http::verb method, const std::string& target,
            const std::string& body = {}, bool with_key = true) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(10s);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> request{method, target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (with_key) request.set("x-api-key", "K");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  boost::system::error_code ec;
  http::read(stream, buffer, parser, ec);
  if (ec) return {};
  Answer answer;
  answer.status = static_cast<int>(parser.get().result_int());
  answer.body = parser.get().body();
  answer.headers = parser.get().base();
  return answer;
}

boost::json::value json_of(const Answer& answer) {
  return boost::json::parse(answer.body);
}

// A webhook receiver on the simulator's io_context: records body and signature, answers 200.
struct Receiver {
  tcp::acceptor acceptor;
  std::mutex mutex;
  std::vector<std::pair<std::string, std::string>> received;  // body, signature

  explicit Receiver(asio::io_context& io)
      : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  asio::awaitable<void> serve_one(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    auto [ec, n] =
        co_await http::async_read(stream, buffer, request, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    {
      std::lock_guard lock(mutex);
      received.emplace_back(request.body(), std::string(request["x-metriport-signature"]));
    }
    http::response<http::string_body> response{http::status::ok, 11};
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
  }

  asio::awaitable<void> run() {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(acceptor.get_executor(), serve_one(std::move(socket)), asio::detached);
    }
  }

  std::size_t count() {
    std::lock_guard lock(mutex);
    return received.size();
  }
};

struct Running {
  asio::io_context io;
  Receiver receiver{io};
  std::unique_ptr<relay::sim::Simulator> simulator;
  std::thread thread;

  Running() {
    relay::log::set_min_level(relay::log::Level::warn);  // one info line per request is noise here
    relay::sim::SimulatorOptions options;
    options.api_key = "K";
    options.settings.webhook_url =
        "http://127.0.0.1:" + std::to_string(receiver.acceptor.local_endpoint().port()) + "/hooks";
    options.settings.webhook_key = webhook_key;
    options.settings.webhook_delay_ms = 20;
    simulator = std::make_unique<relay::sim::Simulator>(io, options);
    simulator->start();
    asio::co_spawn(io, receiver.run(), asio::detached);
    thread = std::thread([this] { io.run(); });
  }
  ~Running() {
    simulator->stop();
    io.stop();
    thread.join();
    relay::log::set_min_level(relay::log::Level::info);
  }
  std::uint16_t port() const { return simulator->port(); }

  boost::json::value counters() {
    return json_of(call(port(), http::verb::get, "/_sim/counters", {}, false));
  }

  // Polls the counters until pred holds (at most 5 s).
  template <class Predicate>
  bool wait_for(Predicate pred) {
    for (int i = 0; i < 250; ++i) {
      if (pred(counters())) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(simulator_server)

BOOST_AUTO_TEST_CASE(delivery_round_trip_with_signed_webhook) {
  Running sim;
  BOOST_TEST(sim.port() != 0);
  BOOST_TEST(sim.simulator->base_url() == "http://127.0.0.1:" + std::to_string(sim.port()));

  auto patient = call(sim.port(), http::verb::get, "/medical/v1/patient/external-id?externalId=P1");
  BOOST_TEST(patient.status == 200);
  const std::string patient_id(json_of(patient).at("id").as_string());

  auto document =
      call(sim.port(), http::verb::post, "/medical/v1/document/upload/?patientId=" + patient_id,
           R"({"description":"d","type":{},"context":{}})");
  BOOST_TEST(document.status == 200);
  const std::string document_id(json_of(document).at("documentReferenceId").as_string());
  const std::string upload_url(json_of(document).at("uploadUrl").as_string());
  const std::string upload_target = upload_url.substr(upload_url.find("/_upload/"));
  auto put = call(sim.port(), http::verb::put, upload_target, "file bytes", false);
  BOOST_TEST(put.status == 200);

  auto sent =
      call(sim.port(), http::verb::post, "/medical/v1/message?patientId=" + patient_id,
           R"({"destination":"1.2.3","subject":"s","attachments":[")" + document_id + R"("]})");
  BOOST_REQUIRE_EQUAL(sent.status, 200);
  const std::string message_id(json_of(sent).at("id").as_string());

  BOOST_REQUIRE(sim.wait_for([](const boost::json::value& c) {
    return c.at("webhooks_by_gateway_status").as_object().contains("200");
  }));
  BOOST_REQUIRE_EQUAL(sim.receiver.count(), 1u);
  const auto [body, signature] = sim.receiver.received.front();
  BOOST_TEST(signature == relay::domain::to_hex(relay::domain::hmac_sha256_raw(webhook_key, body)));
  auto hook = boost::json::parse(body);
  BOOST_TEST(hook.at("meta").at("type").as_string() == "message.status");
  BOOST_TEST(hook.at("payload").at("id").as_string() == message_id);
  BOOST_TEST(hook.at("payload").at("status").as_string() == "completed");

  auto fetched = call(sim.port(), http::verb::get, "/medical/v1/message/" + message_id);
  BOOST_TEST(json_of(fetched).at("status").as_string() == "completed");

  // A manual failure with a webhook.
  auto manual = call(sim.port(), http::verb::post, "/_sim/messages/" + message_id + "/status",
                     R"({"status":"failed","reason":"bounced"})", false);
  BOOST_TEST(manual.status == 200);
  BOOST_TEST(json_of(manual).at("reason").as_string() == "bounced");
  BOOST_REQUIRE(sim.wait_for([](const boost::json::value& c) {
    return c.at("webhooks_posted").to_number<std::uint64_t>() == 2u &&
           c.at("webhooks_pending").to_number<std::uint64_t>() == 0u;
  }));

  auto received = json_of(call(sim.port(), http::verb::get, "/_sim/received", {}, false));
  BOOST_TEST(received.at("sends").as_array().size() == 1u);
  BOOST_TEST(received.at("documents").as_array()[0].at("uploaded").as_bool());
  BOOST_TEST(received.at("webhooks").as_array()[0].at("gatewayStatus").as_int64() == 200);
  BOOST_TEST(received.at("patient_lookups").as_array()[0].at("externalId").as_string() == "P1");
}

BOOST_AUTO_TEST_CASE(transport_failures_and_faults) {
  Running sim;
  const std::string patient_id = "ac2a5168-1abb-4226-a083-f63b646f8bff";
  const std::string body = R"({"destination":"a@b.org","subject":"s","body":"b"})";
  BOOST_TEST(
      call(sim.port(), http::verb::post, "/medical/v1/message?patientId=" + patient_id, body, false)
          .status == 401);
  BOOST_TEST(status_for_announced_body(sim.port(), "/medical/v1/message?patientId=" + patient_id,
                                       1024 * 1024 + 1) == 413);
  BOOST_TEST(call(sim.port(), http::verb::get, "/nowhere").status == 404);

  auto settings = call(sim.port(), http::verb::post, "/_sim/settings",
                       R"({"ambiguous_rate":1,"latency_ms":200})", false);
  BOOST_TEST(settings.status == 200);
  BOOST_TEST(json_of(settings).at("ambiguous_rate").as_double() == 1.0);
  BOOST_TEST(call(sim.port(), http::verb::post, "/_sim/settings", R"({"typo":1})", false).status ==
             400);

  const auto started = std::chrono::steady_clock::now();
  auto dropped =
      call(sim.port(), http::verb::post, "/medical/v1/message?patientId=" + patient_id, body);
  BOOST_TEST(dropped.status == 0);  // no answer at all
  BOOST_TEST((std::chrono::steady_clock::now() - started >= 200ms));
  BOOST_REQUIRE(sim.wait_for([](const boost::json::value& c) {
    return c.at("webhooks_posted").to_number<std::uint64_t>() == 1u &&
           c.at("webhooks_pending").to_number<std::uint64_t>() == 0u;
  }));
  auto counters = sim.counters();
  BOOST_TEST(counters.at("sends_ambiguous").to_number<std::uint64_t>() == 1u);
  BOOST_TEST(counters.at("messages_stored").to_number<std::uint64_t>() == 1u);

  BOOST_TEST(call(sim.port(), http::verb::post, "/_sim/reset", {}, false).status == 200);
  BOOST_TEST(sim.counters().at("sends").to_number<std::uint64_t>() == 0u);
}

BOOST_AUTO_TEST_CASE(webhook_loss_and_duplicates) {
  Running sim;
  call(sim.port(), http::verb::post, "/_sim/settings",
       R"({"webhook_duplicate_rate":1,"webhook_delay_ms":0,"seed":42})", false);
  const std::string patient_id = "ac2a5168-1abb-4226-a083-f63b646f8bff";
  call(sim.port(), http::verb::post, "/medical/v1/message?patientId=" + patient_id,
       R"({"destination":"a@b.org","subject":"s","body":"b"})");
  BOOST_REQUIRE(sim.wait_for([](const boost::json::value& c) {
    return c.at("webhooks_posted").to_number<std::uint64_t>() == 2u &&
           c.at("webhooks_pending").to_number<std::uint64_t>() == 0u;
  }));
  BOOST_TEST(sim.counters().at("webhooks_duplicated").to_number<std::uint64_t>() == 1u);
  BOOST_REQUIRE_EQUAL(sim.receiver.count(), 2u);
  BOOST_TEST(sim.receiver.received[0].first == sim.receiver.received[1].first);  // same bytes

  call(sim.port(), http::verb::post, "/_sim/settings",
       R"({"webhook_duplicate_rate":0,"webhook_loss_rate":1})", false);
  call(sim.port(), http::verb::post, "/medical/v1/message?patientId=" + patient_id,
       R"({"destination":"a@b.org","subject":"s","body":"c"})");
  BOOST_REQUIRE(sim.wait_for([](const boost::json::value& c) {
    return c.at("webhooks_lost").to_number<std::uint64_t>() == 1u &&
           c.at("webhooks_pending").to_number<std::uint64_t>() == 0u;
  }));
  BOOST_TEST(sim.receiver.count() == 2u);
  BOOST_TEST(sim.counters().at("messages_completed").to_number<std::uint64_t>() ==
             2u);  // status still changed
}

BOOST_AUTO_TEST_CASE(keep_alive_connection_serves_many_requests) {
  Running sim;
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(10s);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), sim.port()));
  beast::flat_buffer buffer;
  for (int i = 0; i < 20; ++i) {
    http::request<http::string_body> request{
        http::verb::get, "/medical/v1/patient/external-id?externalId=P" + std::to_string(i), 11};
    request.set("x-api-key", "K");
    http::write(stream, request);
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    BOOST_TEST(response.result_int() == 200u);
    BOOST_TEST(response.keep_alive());
  }
}

BOOST_AUTO_TEST_SUITE_END()
