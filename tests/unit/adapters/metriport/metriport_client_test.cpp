// Tests for adapters/metriport/metriport_client against a scripted fake Metriport: URLs, headers
// (x-api-key on API calls only), bodies, answer shapes, classification and list paging guards.
#include "adapters/metriport/metriport_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <map>
#include <mutex>
#include <stdexcept>

#include "client_runner.hpp"
#include "test_server.hpp"

namespace {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using namespace relay::metriport;
using test_support::ClientRunner;
using test_support::ServerReply;
using test_support::ServerRequest;
using test_support::TestServer;

constexpr const char* kKey = "test-api-key";

// A fake Metriport whose answers the test sets per path (method + path without query).
struct FakeMetriport {
  std::mutex mutex;
  std::map<std::string, std::vector<ServerReply>> scripts;  // consumed in order; last one repeats
  TestServer server{[this](const ServerRequest& request) { return answer(request); }};

  ServerReply answer(const ServerRequest& request) {
    const std::string path = request.target.substr(0, request.target.find('?'));
    std::lock_guard lock(mutex);
    auto found = scripts.find(request.method + " " + path);
    if (found == scripts.end() || found->second.empty()) return ServerReply::json(404, "{}");
    ServerReply reply = found->second.front();
    if (found->second.size() > 1) found->second.erase(found->second.begin());
    return reply;
  }
  void on(const std::string& route, ServerReply reply) {
    std::lock_guard lock(mutex);
    scripts[route].push_back(std::move(reply));
  }
  std::string base() const { return server.origin() + "/medical/v1"; }
};

// Keeps every report the client's observer port hears.
struct RecordingObserver final : CallObserver {
  std::mutex mutex;
  std::vector<CallReport> reports;
  void on_call(const CallReport& report) noexcept override {
    std::lock_guard lock(mutex);
    reports.push_back(report);
  }
};

struct ClientFixture {
  FakeMetriport fake;
  ClientRunner runner;
  RecordingObserver observer;
  ClientSettings settings;
  std::unique_ptr<MetriportClient> client;

  ClientFixture() {
    settings.base_url = fake.base();
    settings.api_key = kKey;
    settings.connect_timeout = 500ms;
    settings.request_timeout = 2s;
    settings.upload_timeout = 2s;
    client = std::make_unique<MetriportClient>(runner.executor(), settings, &observer);
  }

  template <class Call>
  auto run(Call call) {
    return runner.run(std::move(call));
  }

  SendRequest send_request() const {
    SendRequest request;
    request.patient_id = "p-1";
    request.destination = "intake@cardio.direct.example.com";
    request.subject = "Referral";
    request.body = "Body";
    return request;
  }
};

MessageListFilter filter_for(std::string patient_id, std::string destination) {
  MessageListFilter filter;
  filter.patient_id = std::move(patient_id);
  filter.destination = std::move(destination);
  return filter;
}

const char* kMessage =
    R"({"id":"m-1","patientId":"p-1","status":"processing","destination":"d","subject":"s"})";
}  // namespace

BOOST_FIXTURE_TEST_SUITE(metriport_client, ClientFixture)

BOOST_AUTO_TEST_CASE(find_patient_sends_key_and_encodes_the_id) {
  fake.on("GET /medical/v1/patient/external-id",
          ServerReply::json(200, R"({"id":"u-1","externalId":"A+B&C","firstName":"Sim"})"));
  auto result = run([&]() { return client->find_patient_by_external_id("A+B&C"); });
  BOOST_TEST((result.outcome == CallOutcome::success));
  BOOST_TEST(result.value->id == "u-1");
  BOOST_TEST(result.value->external_id == "A+B&C");
  BOOST_TEST(result.http_status == 200);
  const auto seen = fake.server.requests().at(0);
  BOOST_TEST(seen.target == "/medical/v1/patient/external-id?externalId=A%2BB%26C");
  BOOST_TEST(seen.headers["x-api-key"] == kKey);
  BOOST_TEST(seen.headers[bhttp::field::user_agent] == "relay-gateway");
  BOOST_TEST(seen.headers[bhttp::field::accept] == "application/json");
}

BOOST_AUTO_TEST_CASE(unknown_patient_is_not_found) {
  fake.on("GET /medical/v1/patient/external-id",
          ServerReply::json(404, R"({"status":404,"name":"NotFoundError","title":"Not Found",)"
                                 R"("detail":"Could not find patient"})"));
  auto result = run([&]() { return client->find_patient_by_external_id("X"); });
  BOOST_TEST((result.outcome == CallOutcome::permanent));
  BOOST_TEST(result.is_not_found());
  BOOST_TEST(result.reason == "HTTP 404 Not Found: Could not find patient");
}

BOOST_AUTO_TEST_CASE(unreadable_patient_is_permanent) {
  fake.on("GET /medical/v1/patient/external-id", ServerReply::json(200, R"({"externalId":"X"})"));
  auto result = run([&]() { return client->find_patient_by_external_id("X"); });
  BOOST_TEST((result.outcome == CallOutcome::permanent));
  BOOST_TEST(result.reason == "HTTP 200 answer unreadable: patient answer has no id");
}

BOOST_AUTO_TEST_CASE(document_upload_then_put_without_key) {
  fake.on("POST /medical/v1/document/upload",
          ServerReply::json(200, R"({"documentReferenceId":"d-1","uploadUrl":")" +
                                     fake.server.origin() + R"(/_upload/tok?sig=1"})"));
  fake.on("PUT /_upload/tok", ServerReply::json(200, ""));
  DocumentReferenceRequest document{"scan.pdf", "application/pdf", 4, "scan.pdf"};
  auto created = run([&]() { return client->create_document_reference("p 1", document); });
  BOOST_REQUIRE((created.outcome == CallOutcome::success));
  BOOST_TEST(created.value->document_reference_id == "d-1");
  const std::string bytes("%PDF", 4);
  auto put = run(
      [&]() { return client->put_document(created.value->upload_url, "application/pdf", bytes); });
  BOOST_TEST((put.outcome == CallOutcome::success));
  BOOST_TEST(put.value.has_value());

  const auto requests = fake.server.requests();
  BOOST_REQUIRE(requests.size() == 2u);
  BOOST_TEST(requests[0].target == "/medical/v1/document/upload?patientId=p%201");
  BOOST_TEST(requests[0].headers[bhttp::field::content_type] == "application/json");
  const auto document_json = boost::json::parse(requests[0].body).as_object();
  BOOST_TEST(document_json.at("resourceType").as_string() == "DocumentReference");
  BOOST_TEST(document_json.contains("description"));
  BOOST_TEST(document_json.contains("type"));
  BOOST_TEST(document_json.contains("context"));
  BOOST_TEST(requests[1].target == "/_upload/tok?sig=1");
  BOOST_TEST(requests[1].body == "%PDF");
  BOOST_TEST(requests[1].headers[bhttp::field::content_type] == "application/pdf");
  BOOST_TEST((requests[1].headers.find("x-api-key") == requests[1].headers.end()));
}

BOOST_AUTO_TEST_CASE(expired_upload_url) {
  ServerReply expired;
  expired.status = 403;
  expired.body = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>";
  fake.on("PUT /_upload/old", expired);
  auto put =
      run([&]() { return client->put_document(fake.server.origin() + "/_upload/old", "", "x"); });
  BOOST_TEST((put.outcome == CallOutcome::permanent));
  BOOST_TEST(put.reason.starts_with("upload URL expired"));
  BOOST_TEST(fake.server.requests().at(0).headers[bhttp::field::content_type] ==
             "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(send_message_communication_shape) {
  auto reply = ServerReply::json(
      200, R"({"communication":{"resourceType":"Communication","id":"c-1","status":"in-progress",)"
           R"("topic":{"text":"Referral"},"recipient":[{"display":"d"}]}})");
  reply.headers.emplace_back("RateLimit-Limit", "20");
  reply.headers.emplace_back("RateLimit-Remaining", "19");
  reply.headers.emplace_back("RateLimit-Reset", "60");
  fake.on("POST /medical/v1/message", reply);
  auto result = run([&]() { return client->send_message(send_request()); });
  BOOST_TEST((result.outcome == CallOutcome::success));
  BOOST_TEST(result.value->id == "c-1");
  BOOST_TEST(result.value->status == "processing");
  BOOST_TEST(*result.rate_limit.remaining == 19);
  const auto seen = fake.server.requests().at(0);
  BOOST_TEST(seen.target == "/medical/v1/message?patientId=p-1");
  BOOST_TEST(seen.body ==
             R"({"destination":"intake@cardio.direct.example.com","subject":"Referral",)"
             R"("body":"Body"})");
  BOOST_TEST(seen.headers["x-api-key"] == kKey);
}

BOOST_AUTO_TEST_CASE(send_answer_that_does_not_parse_is_ambiguous) {
  fake.on("POST /medical/v1/message", ServerReply::json(200, "<html>ok</html>"));
  auto result = run([&]() { return client->send_message(send_request()); });
  BOOST_TEST((result.outcome == CallOutcome::ambiguous));
  BOOST_TEST(result.reason == "HTTP 200 answer unreadable: message answer is not JSON");
  BOOST_TEST(!result.value.has_value());
}

BOOST_AUTO_TEST_CASE(send_rate_limited_and_rejected) {
  ServerReply limited;
  limited.status = 429;
  limited.body = "Too many requests, please try again later.";
  limited.headers = {{"Retry-After", "42"},
                     {"RateLimit-Limit", "20"},
                     {"RateLimit-Remaining", "0"},
                     {"RateLimit-Reset", "42"}};
  fake.on("POST /medical/v1/message", limited);
  fake.on("POST /medical/v1/message",
          ServerReply::json(400, R"({"status":400,"name":"BadRequestError","title":"Missing or )"
                                 R"(invalid parameters","detail":"subject: too long"})"));
  auto first = run([&]() { return client->send_message(send_request()); });
  BOOST_TEST((first.outcome == CallOutcome::rate_limited));
  BOOST_TEST(first.retry_after->count() == 42'000);
  BOOST_TEST(*first.rate_limit.limit == 20);
  BOOST_TEST(first.http_status == 429);
  auto second = run([&]() { return client->send_message(send_request()); });
  BOOST_TEST((second.outcome == CallOutcome::permanent));
  BOOST_TEST(second.reason == "HTTP 400 Missing or invalid parameters: subject: too long");
  BOOST_TEST(second.reason.find("Body") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(send_dropped_is_ambiguous) {
  fake.on("POST /medical/v1/message", ServerReply::with(ServerReply::Action::drop));
  auto result = run([&]() { return client->send_message(send_request()); });
  BOOST_TEST((result.outcome == CallOutcome::ambiguous));
  BOOST_TEST(result.http_status == 0);
}

BOOST_AUTO_TEST_CASE(get_message_message_shape) {
  fake.on("GET /medical/v1/message/m%2F1", ServerReply::json(200, kMessage));
  auto result = run([&]() { return client->get_message("m/1"); });
  BOOST_TEST((result.outcome == CallOutcome::success));
  BOOST_TEST(result.value->id == "m-1");
  BOOST_TEST(result.value->patient_id == "p-1");
}

BOOST_AUTO_TEST_CASE(list_messages_follows_next_page) {
  const std::string next = fake.base() + "/message?fromItem=2&count=1";
  fake.on("GET /medical/v1/message",
          ServerReply::json(200, R"({"meta":{"nextPage":")" + next +
                                     R"(","itemsOnPage":1},"messages":[{"id":"a"}]})"));
  fake.on("GET /medical/v1/message",
          ServerReply::json(200, R"({"meta":{"itemsOnPage":1},"messages":[{"id":"b"}]})"));
  MessageListFilter filter;
  filter.patient_id = "p-1";
  filter.destination = "d@x";
  filter.status = "processing";
  auto result = run([&]() { return client->list_messages(filter); });
  BOOST_TEST((result.outcome == CallOutcome::success));
  BOOST_REQUIRE(result.value->size() == 2u);
  BOOST_TEST((*result.value)[0].id == "a");
  BOOST_TEST((*result.value)[1].id == "b");
  const auto requests = fake.server.requests();
  BOOST_TEST(requests[0].target ==
             "/medical/v1/message?patientId=p-1&direction=outbound&destination=d%40x&status="
             "processing");
  BOOST_TEST(requests[1].target == "/medical/v1/message?fromItem=2&count=1");
  BOOST_TEST(requests[1].headers["x-api-key"] == kKey);
}

BOOST_AUTO_TEST_CASE(list_messages_refuses_foreign_next_page) {
  fake.on("GET /medical/v1/message",
          ServerReply::json(200, R"({"meta":{"nextPage":"http://evil.example/medical/v1/message"},)"
                                 R"("messages":[{"id":"a"}]})"));
  auto result = run([&]() { return client->list_messages(filter_for("p", "d")); });
  BOOST_TEST((result.outcome == CallOutcome::permanent));
  BOOST_TEST(result.reason == "nextPage points outside the API");
  BOOST_TEST(fake.server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(list_messages_bounded_by_max_pages) {
  const std::string self = fake.base() + "/message?page=";
  for (int page = 1; page <= 4; ++page) {
    fake.on("GET /medical/v1/message",
            ServerReply::json(200, R"({"meta":{"nextPage":")" + self + std::to_string(page) +
                                       R"("},"messages":[]})"));
  }
  auto result = run([&]() { return client->list_messages(filter_for("p", "d"), 3); });
  BOOST_TEST((result.outcome == CallOutcome::permanent));
  BOOST_TEST(result.reason == "message list has more than 3 pages");
  BOOST_TEST(fake.server.requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(list_messages_stops_on_a_repeated_page) {
  const std::string first = fake.base() + "/message?page=1";
  fake.on("GET /medical/v1/message",
          ServerReply::json(200, R"({"meta":{"nextPage":")" + first + R"("},"messages":[]})"));
  auto result = run([&]() { return client->list_messages(filter_for("p", "d")); });
  BOOST_TEST((result.outcome == CallOutcome::permanent));
  BOOST_TEST(result.reason == "nextPage repeats an earlier page");
  BOOST_TEST(fake.server.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(list_messages_passes_failures_through) {
  ServerReply unavailable = ServerReply::json(503, R"({"message":"Service Unavailable"})");
  unavailable.headers.emplace_back("Retry-After", "3");
  fake.on("GET /medical/v1/message", unavailable);
  auto result = run([&]() { return client->list_messages(filter_for("p", "d")); });
  BOOST_TEST((result.outcome == CallOutcome::transient));
  BOOST_TEST(result.retry_after->count() == 3000);
}

BOOST_AUTO_TEST_CASE(observer_hears_each_exchange_with_operation_status_and_outcome) {
  fake.on("GET /medical/v1/patient/external-id",
          ServerReply::json(200, R"({"id":"u-1","externalId":"X"})"));
  ServerReply limited;
  limited.status = 429;
  limited.body = "Too many requests";
  fake.on("POST /medical/v1/message", limited);
  run([&]() { return client->find_patient_by_external_id("X"); });
  run([&]() { return client->send_message(send_request()); });
  settings.base_url = "http://127.0.0.1:1/medical/v1";  // nothing listens: no answer
  MetriportClient unreachable(runner.executor(), settings, &observer);
  run([&]() { return unreachable.get_message("m-1"); });

  std::lock_guard lock(observer.mutex);
  BOOST_REQUIRE(observer.reports.size() == 3u);
  BOOST_TEST((observer.reports[0].operation == Operation::patient_lookup));
  BOOST_TEST(observer.reports[0].http_status == 200);
  BOOST_TEST((observer.reports[0].outcome == CallOutcome::success));
  BOOST_TEST((observer.reports[1].operation == Operation::message_send));
  BOOST_TEST(observer.reports[1].http_status == 429);
  BOOST_TEST((observer.reports[1].outcome == CallOutcome::rate_limited));
  BOOST_TEST((observer.reports[2].operation == Operation::message_get));
  BOOST_TEST(observer.reports[2].http_status == 0);
  BOOST_TEST((observer.reports[2].outcome == CallOutcome::transient));
  for (const auto& report : observer.reports) BOOST_TEST(report.elapsed.count() >= 0);
}

BOOST_AUTO_TEST_CASE(base_url_must_be_http) {
  ClientSettings settings;
  settings.base_url = "api.metriport.com/medical/v1";
  BOOST_CHECK_THROW(MetriportClient(runner.executor(), settings), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
