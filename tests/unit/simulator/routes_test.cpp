// Tests of the API routes without sockets: patient lookup, documents and uploads, the send
// pipeline (window, injected faults, schema, attachments, ambiguous), get and list with paging.
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "gateway/log/log.hpp"
#include "tests/simulator/routes.hpp"

namespace {
namespace http = boost::beast::http;
using namespace relay::sim;

struct Fixture {
  boost::asio::io_context io;
  SimContext context{"K", "", io.get_executor()};
  Fixture() {
    relay::log::set_min_level(relay::log::Level::warn);  // one info line per call is noise here
    context.public_base = "http://127.0.0.1:1234";
  }
  ~Fixture() { relay::log::set_min_level(relay::log::Level::info); }

  Response call_get(const std::string& target_text,
                    Response (*route)(SimContext&, const RequestTarget&)) {
    return route(context, *parse_request_target(target_text));
  }

  std::string patient(const std::string& external_id) {
    auto answer =
        call_get("/medical/v1/patient/external-id?externalId=" + external_id, lookup_patient);
    return std::string(boost::json::parse(answer.body()).at("id").as_string());
  }

  // Creates a document for the patient and, when upload is true, PUTs bytes to it.
  std::string document(const std::string& patient_id, bool upload = true) {
    Request request{http::verb::post, "/medical/v1/document/upload?patientId=" + patient_id, 11};
    request.set(http::field::content_type, "application/json");
    request.body() =
        R"({"resourceType":"DocumentReference","description":"d","type":{},"context":{},
      "content":[{"attachment":{"title":"a.pdf","contentType":"application/pdf"}}]})";
    auto answer = create_document(context, *parse_request_target(request.target()), request);
    BOOST_REQUIRE_EQUAL(answer.result_int(), 200u);
    auto json = boost::json::parse(answer.body());
    const std::string url(json.at("uploadUrl").as_string());
    BOOST_TEST(url.starts_with("http://127.0.0.1:1234/_upload/"));
    if (upload)
      BOOST_TEST(
          put(url.substr(std::string("http://127.0.0.1:1234/_upload/").size())).result_int() ==
          200u);
    return std::string(json.at("documentReferenceId").as_string());
  }

  Response put(const std::string& token) {
    Request request{http::verb::put, "/_upload/" + token, 11};
    request.set(http::field::content_type, "application/pdf");
    request.body() = "%PDF-1.4";
    return receive_upload(context, token, request);
  }

  SendDecision send(const std::string& patient_id, const std::string& body) {
    Request request{http::verb::post, "/medical/v1/message?patientId=" + patient_id, 11};
    request.set(http::field::content_type, "application/json");
    request.body() = body;
    return handle_send(context, *parse_request_target(request.target()), request);
  }

  boost::json::value detail_of(const Response& response) {
    return boost::json::parse(response.body()).at("detail");
  }
};

const std::string simple_body =
    R"({"destination":"dr@direct.example.org","subject":"s","body":"b"})";
}  // namespace

BOOST_FIXTURE_TEST_SUITE(simulator_routes, Fixture)

BOOST_AUTO_TEST_CASE(patient_lookup) {
  const auto first = patient("P1");
  BOOST_TEST(first == patient("P1"));  // derived, stable
  BOOST_TEST(first != patient("P2"));
  BOOST_TEST(first == patient_id_for("P1"));
  context.state.settings.unknown_patients = {"P404"};
  auto missing = call_get("/medical/v1/patient/external-id?externalId=P404", lookup_patient);
  BOOST_TEST(missing.result_int() == 404u);
  BOOST_TEST(boost::json::parse(missing.body()).at("name").as_string() == "NotFoundError");
  BOOST_TEST(call_get("/medical/v1/patient/external-id", lookup_patient).result_int() == 400u);
  BOOST_TEST(context.state.log.counters.patient_lookups == 4u);
  BOOST_TEST(context.state.log.counters.patients_not_found == 1u);
  BOOST_TEST(context.state.log.lookups().back().status == 404);
}

BOOST_AUTO_TEST_CASE(document_reference_requires_fhir_fields) {
  Request request{http::verb::post, "/medical/v1/document/upload?patientId=" + patient_id_for("P"),
                  11};
  request.set(http::field::content_type, "application/json");
  request.body() = R"({"type":{},"context":{}})";
  auto answer = create_document(context, *parse_request_target(request.target()), request);
  BOOST_TEST(answer.result_int() == 400u);
  BOOST_TEST(detail_of(answer).as_string() == "description: Required");
  request.target("/medical/v1/document/upload?patientId=nope");
  answer = create_document(context, *parse_request_target(request.target()), request);
  BOOST_TEST(detail_of(answer).as_string() == "patientId: Invalid uuid");
}

BOOST_AUTO_TEST_CASE(uploads_expire_and_unknown_tokens_are_refused) {
  const auto id = document(patient_id_for("P"));
  BOOST_TEST(context.state.documents.all().front().uploaded);
  BOOST_TEST(context.state.documents.all().front().size == 8u);
  BOOST_TEST(id == context.state.documents.all().front().id);
  auto refused = put("nope");
  BOOST_TEST(refused.result_int() == 403u);
  context.state.settings.upload_url_ttl_ms = 0;
  document(patient_id_for("P"), false);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto expired = put(context.state.documents.all().back().upload_token);
  BOOST_TEST(expired.result_int() == 403u);
  BOOST_TEST(
      expired.body().find("<Code>AccessDenied</Code><Message>Request has expired</Message>") !=
      std::string::npos);
  BOOST_TEST(context.state.log.counters.uploads_expired == 1u);
}

BOOST_AUTO_TEST_CASE(send_stores_and_answers_a_message) {
  const auto p = patient_id_for("P");
  auto decision = send(p, simple_body);
  BOOST_REQUIRE(decision.reply.response);
  BOOST_TEST(decision.reply.response->result_int() == 200u);
  auto json = boost::json::parse(decision.reply.response->body());
  BOOST_TEST(json.at("status").as_string() == "processing");
  BOOST_TEST(json.at("transportMethod").as_string() == "direct");
  BOOST_TEST(json.at("patientId").as_string() == p);
  BOOST_REQUIRE(decision.scheduled_message);
  BOOST_TEST(*decision.scheduled_message == std::string(json.at("id").as_string()));
  BOOST_TEST(decision.webhook_delay.count() == context.state.settings.webhook_delay_ms);
  BOOST_TEST((*decision.reply.response)["RateLimit-Limit"].empty());  // no limit set
  BOOST_TEST(context.state.log.sends().back().outcome == "accepted");
  BOOST_TEST(context.state.log.sends().back().raw_body == simple_body);
  BOOST_TEST(context.state.messages.all().size() == 1u);
}

BOOST_AUTO_TEST_CASE(send_answers_communication_shape_when_set) {
  context.state.settings.answer_shape = AnswerShape::communication;
  auto decision = send(patient_id_for("P"), simple_body);
  auto json = boost::json::parse(decision.reply.response->body());
  BOOST_TEST(json.at("communication").at("status").as_string() == "in-progress");
  BOOST_TEST(json.at("communication").at("topic").at("text").as_string() == "s");
  auto fetched = get_message(context, *decision.scheduled_message);
  BOOST_TEST(boost::json::parse(fetched.body()).at("communication").at("id").as_string() ==
             *decision.scheduled_message);
}

BOOST_AUTO_TEST_CASE(send_rejections_are_400_with_the_field) {
  const auto p = patient_id_for("P");
  auto decision = send(p, R"({"destination":"d","subject":"s"})");
  BOOST_TEST(decision.reply.response->result_int() == 400u);
  auto json = boost::json::parse(decision.reply.response->body());
  BOOST_TEST(json.at("title").as_string() == "Missing or invalid parameters");
  BOOST_TEST(json.at("name").as_string() == "BadRequestError");
  BOOST_TEST(json.at("status").as_int64() == 400);
  BOOST_TEST(!decision.scheduled_message);
  decision = send(p, "{not json");
  BOOST_TEST(decision.reply.response->result_int() == 400u);
  decision = send("not-a-uuid", simple_body);
  BOOST_TEST(detail_of(*decision.reply.response).as_string() == "patientId: Invalid uuid");
  BOOST_TEST(context.state.log.counters.sends_rejected == 3u);
  BOOST_TEST(context.state.messages.all().empty());
}

BOOST_AUTO_TEST_CASE(attachments_must_be_uploaded_documents_of_the_patient) {
  const auto p = patient_id_for("P");
  const auto other = patient_id_for("Q");
  const auto uploaded = document(p);
  const auto not_uploaded = document(p, false);
  const auto foreign = document(other);
  auto body = [](const std::string& id) {
    return R"({"destination":"d","subject":"s","attachments":[")" + id + R"("]})";
  };
  BOOST_TEST(send(p, body(uploaded)).reply.response->result_int() == 200u);
  auto answer = *send(p, body(not_uploaded)).reply.response;
  BOOST_TEST(answer.result_int() == 400u);
  BOOST_TEST(detail_of(answer).as_string() ==
             "attachments.0: document " + not_uploaded + " has no uploaded file");
  answer = *send(p, body(foreign)).reply.response;
  BOOST_TEST(detail_of(answer).as_string() ==
             "attachments.0: document " + foreign + " belongs to another patient");
  answer = *send(p, body("00000000-0000-4000-8000-000000000000")).reply.response;
  BOOST_TEST(detail_of(answer).as_string().find("does not exist") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(send_window_headers_and_429) {
  context.state.settings.send_limit_per_window = 2;
  const auto p = patient_id_for("P");
  auto first = *send(p, simple_body).reply.response;
  BOOST_TEST(first["RateLimit-Limit"] == "2");
  BOOST_TEST(first["RateLimit-Remaining"] == "1");
  BOOST_TEST(!first["RateLimit-Reset"].empty());
  auto rejected = *send(p, R"({})").reply.response;  // a 400 counts and carries the headers
  BOOST_TEST(rejected.result_int() == 400u);
  BOOST_TEST(rejected["RateLimit-Remaining"] == "0");
  auto limited = send(p, simple_body);
  BOOST_TEST(limited.reply.response->result_int() == 429u);
  BOOST_TEST(limited.reply.response->body() == "Too many requests, please try again later.");
  BOOST_TEST(limited.reply.response->at(http::field::retry_after) ==
             (*limited.reply.response)["RateLimit-Reset"]);
  BOOST_TEST(!limited.scheduled_message);
  BOOST_TEST(context.state.log.counters.sends_rate_limited == 1u);
}

BOOST_AUTO_TEST_CASE(injected_faults) {
  const auto p = patient_id_for("P");
  context.state.settings.rate_429 = 1;
  context.state.settings.retry_after_seconds = 7;
  auto limited = *send(p, simple_body).reply.response;
  BOOST_TEST(limited.result_int() == 429u);
  BOOST_TEST(limited[http::field::retry_after] == "7");
  context.state.settings.rate_429 = 0;
  context.state.settings.error_rate = 1;
  auto failed = send(p, simple_body);
  BOOST_TEST(failed.reply.response->result_int() == 500u);
  BOOST_TEST(!failed.scheduled_message);
  BOOST_TEST(context.state.messages.all().empty());
  context.state.settings.error_rate = 0;
  context.state.settings.ambiguous_rate = 1;
  auto ambiguous = send(p, simple_body);
  BOOST_TEST(!ambiguous.reply.response);  // the connection is dropped
  BOOST_REQUIRE(ambiguous.scheduled_message);
  BOOST_TEST(context.state.messages.find(*ambiguous.scheduled_message) != nullptr);
  BOOST_TEST(context.state.log.sends().back().outcome == "ambiguous");
  BOOST_TEST(context.state.log.sends().back().http_status == 0);
  BOOST_TEST(context.state.log.counters.sends_error == 1u);
  BOOST_TEST(context.state.log.counters.sends_ambiguous == 1u);
}

BOOST_AUTO_TEST_CASE(duplicate_sends_are_counted) {
  const auto p = patient_id_for("P");
  send(p, simple_body);
  send(p, simple_body);
  send(patient_id_for("Q"), simple_body);
  BOOST_TEST(context.state.log.counters.sends_duplicate_body == 1u);
  BOOST_TEST(context.state.log.counters.messages_duplicate == 1u);
  auto received = context.state.received_json();
  BOOST_TEST(received.at("sends").as_array().size() == 3u);
  BOOST_TEST(received.at("messages").as_array().size() == 3u);
  BOOST_TEST(received.at("counters").at("messages_stored").to_number<std::uint64_t>() == 3u);
  context.state.reset();
  BOOST_TEST(context.state.messages.all().empty());
  BOOST_TEST(context.state.log.counters.sends == 0u);
}

BOOST_AUTO_TEST_CASE(get_message_unknown_is_404) {
  BOOST_TEST(get_message(context, "00000000-0000-4000-8000-000000000000").result_int() == 404u);
}

BOOST_AUTO_TEST_CASE(list_filters_and_pages) {
  const auto p = patient_id_for("P");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(
        *send(p, R"({"destination":"d1","subject":"s","body":"b)" + std::to_string(i) + R"("})")
             .scheduled_message);
  }
  send(p, R"({"destination":"d2","subject":"s","body":"b"})");
  send(patient_id_for("Q"), R"({"destination":"d1","subject":"s","body":"b"})");
  context.state.messages.find(ids[4])->status = "completed";

  auto list = [&](const std::string& query) {
    return boost::json::parse(
        list_messages(context, *parse_request_target("/medical/v1/message?" + query)).body());
  };
  auto page = list("patientId=" + p + "&direction=outbound&destination=d1&count=2");
  BOOST_TEST(page.at("meta").at("itemsOnPage").to_number<std::uint64_t>() == 2u);
  BOOST_TEST(page.at("meta").at("itemsInTotal").to_number<std::uint64_t>() == 5u);
  BOOST_TEST(page.at("messages").as_array()[0].at("id").as_string() == ids[4]);  // newest first
  const std::string next(page.at("meta").at("nextPage").as_string());
  BOOST_TEST(next.starts_with("http://127.0.0.1:1234/medical/v1/message?patientId=" + p));
  BOOST_TEST(next.find("destination=d1") != std::string::npos);
  BOOST_TEST(next.find("fromItem=" + ids[2]) != std::string::npos);
  BOOST_TEST(next.find("count=2") != std::string::npos);
  BOOST_TEST(!page.at("meta").as_object().contains("prevPage"));

  auto second = list(next.substr(next.find('?') + 1));
  BOOST_TEST(second.at("messages").as_array()[0].at("id").as_string() == ids[2]);
  BOOST_TEST(second.at("meta").as_object().contains("prevPage"));
  auto third =
      list(std::string(second.at("meta").at("nextPage").as_string()).substr(next.find('?') + 1));
  BOOST_TEST(third.at("meta").at("itemsOnPage").to_number<std::uint64_t>() == 1u);
  BOOST_TEST(!third.at("meta").as_object().contains("nextPage"));

  auto completed = list("patientId=" + p + "&status=completed");
  BOOST_TEST(completed.at("meta").at("itemsInTotal").to_number<std::uint64_t>() == 1u);
  BOOST_TEST(list("direction=inbound").at("meta").at("itemsInTotal").to_number<std::uint64_t>() ==
             0u);
  BOOST_TEST(list("").at("meta").at("itemsInTotal").to_number<std::uint64_t>() == 7u);

  auto bad = [&](const std::string& query) {
    return list_messages(context, *parse_request_target("/medical/v1/message?" + query))
        .result_int();
  };
  BOOST_TEST(bad("status=done") == 400u);
  BOOST_TEST(bad("direction=sideways") == 400u);
  BOOST_TEST(bad("patientId=x") == 400u);
  BOOST_TEST(bad("count=501") == 400u);
  BOOST_TEST(bad("fromItem=" + ids[0] + "&toItem=" + ids[1]) == 400u);
  BOOST_TEST(bad("fromItem=00000000-0000-4000-8000-000000000000") == 400u);
}

BOOST_AUTO_TEST_SUITE_END()
