// Tests for adapters/metriport/classification: the whole status table for idempotent and
// non-idempotent requests, Retry-After/RateLimit pick-up, every transport failure, the retry rule.
#include "adapters/metriport/classification.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace {
using relay::metriport::CallOutcome;
using relay::metriport::classify_answer;
using relay::metriport::classify_failure;
using relay::metriport::FailureKind;
using relay::metriport::FailureStage;
using relay::metriport::HttpAnswer;
using relay::metriport::may_retry_on_new_connection;
using relay::metriport::TransportFailure;
namespace bhttp = boost::beast::http;

const auto kNow = std::chrono::system_clock::now();

CallOutcome outcome_of(int status, bool idempotent) {
  HttpAnswer answer;
  answer.status = status;
  return classify_answer(answer, idempotent, kNow).outcome;
}

TransportFailure failure_at(FailureStage stage, FailureKind kind = FailureKind::error,
                            bool written = false, bool reused = false) {
  TransportFailure failure;
  failure.stage = stage;
  failure.kind = kind;
  failure.request_bytes_written = written;
  failure.reused_connection = reused;
  return failure;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(metriport_classification)

BOOST_AUTO_TEST_CASE(status_table) {
  struct Row {
    int status;
    CallOutcome idempotent;
    CallOutcome post;
  };
  using enum CallOutcome;
  const Row rows[] = {
      {200, success, success},           {201, success, success},     {204, success, success},
      {299, success, success},           {100, permanent, permanent}, {301, permanent, permanent},
      {304, permanent, permanent},       {400, permanent, permanent}, {401, permanent, permanent},
      {403, permanent, permanent},       {404, permanent, permanent}, {409, permanent, permanent},
      {413, permanent, permanent},       {422, permanent, permanent}, {408, transient, transient},
      {429, rate_limited, rate_limited}, {500, transient, ambiguous}, {501, transient, transient},
      {502, transient, ambiguous},       {503, transient, transient}, {504, transient, ambiguous},
      {599, transient, transient},       {600, permanent, permanent}, {0, permanent, permanent},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT("status " << row.status) {
      BOOST_TEST((outcome_of(row.status, true) == row.idempotent));
      BOOST_TEST((outcome_of(row.status, false) == row.post));
    }
  }
}

BOOST_AUTO_TEST_CASE(not_found_is_flagged) {
  HttpAnswer answer;
  answer.status = 404;
  auto result = relay::metriport::to_call_result<int>(classify_answer(answer, true, kNow));
  BOOST_TEST(result.is_not_found());
  BOOST_TEST(result.http_status == 404);
  answer.status = 400;
  BOOST_TEST(
      !relay::metriport::to_call_result<int>(classify_answer(answer, true, kNow)).is_not_found());
}

BOOST_AUTO_TEST_CASE(rate_limited_with_retry_after_and_headers) {
  HttpAnswer answer;
  answer.status = 429;
  answer.headers.set(bhttp::field::retry_after, "17");
  answer.headers.set("RateLimit-Limit", "20");
  answer.headers.set("RateLimit-Remaining", "0");
  answer.headers.set("RateLimit-Reset", "17");
  answer.body = "Too many requests, please try again later.";
  const auto result = classify_answer(answer, false, kNow);
  BOOST_TEST((result.outcome == CallOutcome::rate_limited));
  BOOST_TEST(result.retry_after->count() == 17'000);
  BOOST_TEST(*result.rate_limit.limit == 20);
  BOOST_TEST(*result.rate_limit.remaining == 0);
  BOOST_TEST(result.rate_limit.reset->count() == 17);
  BOOST_TEST(result.reason == "HTTP 429 Too Many Requests");
}

BOOST_AUTO_TEST_CASE(rate_limited_without_retry_after) {
  HttpAnswer answer;
  answer.status = 429;
  const auto result = classify_answer(answer, false, kNow);
  BOOST_TEST((result.outcome == CallOutcome::rate_limited));
  BOOST_TEST(!result.retry_after.has_value());
}

BOOST_AUTO_TEST_CASE(retry_after_honoured_on_server_errors_only) {
  for (int status : {502, 503, 504, 408}) {
    HttpAnswer answer;
    answer.status = status;
    answer.headers.set(bhttp::field::retry_after, "5");
    BOOST_TEST_CONTEXT(status) {
      BOOST_TEST(classify_answer(answer, true, kNow).retry_after->count() == 5000);
    }
  }
  HttpAnswer bad_request;
  bad_request.status = 400;
  bad_request.headers.set(bhttp::field::retry_after, "5");
  BOOST_TEST(!classify_answer(bad_request, true, kNow).retry_after.has_value());
}

BOOST_AUTO_TEST_CASE(success_keeps_rate_limit_headers) {
  HttpAnswer answer;
  answer.status = 200;
  answer.headers.set("RateLimit-Remaining", "12");
  answer.body = R"({"id":"x"})";
  const auto result = classify_answer(answer, false, kNow);
  BOOST_TEST((result.outcome == CallOutcome::success));
  BOOST_TEST(*result.rate_limit.remaining == 12);
  BOOST_TEST(result.reason == "HTTP 200");
}

BOOST_AUTO_TEST_CASE(error_reason_from_metriport_json) {
  HttpAnswer answer;
  answer.status = 400;
  answer.body =
      R"x({"status":400,"name":"BadRequestError","title":"Missing or invalid parameters",)x"
      R"x("detail":"destination: String must contain at most 255 character(s)"})x";
  BOOST_TEST(classify_answer(answer, false, kNow).reason ==
             "HTTP 400 Missing or invalid parameters: destination: String must contain at most "
             "255 character(s)");
}

BOOST_AUTO_TEST_CASE(nothing_sent_is_transient) {
  for (auto stage : {FailureStage::pool_wait, FailureStage::resolve, FailureStage::connect,
                     FailureStage::tls_handshake}) {
    for (auto kind : {FailureKind::error, FailureKind::timeout}) {
      BOOST_TEST(
          (classify_failure(failure_at(stage, kind), false).outcome == CallOutcome::transient));
      BOOST_TEST(
          (classify_failure(failure_at(stage, kind), true).outcome == CallOutcome::transient));
    }
  }
  // A write that failed before its first byte: nothing reached the server.
  BOOST_TEST(
      (classify_failure(failure_at(FailureStage::write), false).outcome == CallOutcome::transient));
}

BOOST_AUTO_TEST_CASE(sent_then_failed_is_ambiguous_for_post) {
  const TransportFailure cases[] = {
      failure_at(FailureStage::write, FailureKind::error, true),
      failure_at(FailureStage::write, FailureKind::timeout, true),
      failure_at(FailureStage::read, FailureKind::error, true),
      failure_at(FailureStage::read, FailureKind::timeout, true),
      failure_at(FailureStage::read, FailureKind::malformed_answer, true),
  };
  for (const auto& failure : cases) {
    BOOST_TEST((classify_failure(failure, false).outcome == CallOutcome::ambiguous));
    BOOST_TEST((classify_failure(failure, true).outcome == CallOutcome::transient));
  }
  const auto too_large = failure_at(FailureStage::read, FailureKind::answer_too_large, true);
  BOOST_TEST((classify_failure(too_large, false).outcome == CallOutcome::ambiguous));
  BOOST_TEST((classify_failure(too_large, true).outcome == CallOutcome::permanent));
  BOOST_TEST((classify_failure(failure_at(FailureStage::request), true).outcome ==
              CallOutcome::permanent));
}

BOOST_AUTO_TEST_CASE(failure_reasons) {
  auto refused = failure_at(FailureStage::connect);
  refused.detail = "Connection refused";
  BOOST_TEST(classify_failure(refused, true).reason == "connect failed: Connection refused");
  BOOST_TEST(
      classify_failure(failure_at(FailureStage::connect, FailureKind::timeout), true).reason ==
      "connect timed out");
  BOOST_TEST(
      classify_failure(failure_at(FailureStage::read, FailureKind::timeout, true, true), false)
          .reason == "reading the answer timed out (reused connection)");
  BOOST_TEST(classify_failure(failure_at(FailureStage::read), false).http_status == 0);
}

BOOST_AUTO_TEST_CASE(retry_rule_for_reused_connections) {
  using enum FailureStage;
  // Fresh connections are never retried.
  BOOST_TEST(!may_retry_on_new_connection(failure_at(read, FailureKind::error, true, false), true));
  // Idempotent: any write/read failure without answer bytes.
  BOOST_TEST(may_retry_on_new_connection(failure_at(read, FailureKind::error, true, true), true));
  BOOST_TEST(may_retry_on_new_connection(failure_at(write, FailureKind::error, true, true), true));
  // Never after a timeout, never once answer bytes came.
  BOOST_TEST(
      !may_retry_on_new_connection(failure_at(read, FailureKind::timeout, true, true), true));
  auto partial = failure_at(read, FailureKind::error, true, true);
  partial.answer_bytes_received = true;
  BOOST_TEST(!may_retry_on_new_connection(partial, true));
  // POST: only a write that failed before its first byte.
  BOOST_TEST(
      may_retry_on_new_connection(failure_at(write, FailureKind::error, false, true), false));
  BOOST_TEST(
      !may_retry_on_new_connection(failure_at(write, FailureKind::error, true, true), false));
  BOOST_TEST(!may_retry_on_new_connection(failure_at(read, FailureKind::error, true, true), false));
  // Nothing to retry before the exchange started.
  BOOST_TEST(
      !may_retry_on_new_connection(failure_at(connect, FailureKind::error, false, true), true));
}

BOOST_AUTO_TEST_CASE(idempotent_methods) {
  using relay::metriport::is_idempotent;
  BOOST_TEST(is_idempotent(bhttp::verb::get));
  BOOST_TEST(is_idempotent(bhttp::verb::put));
  BOOST_TEST(is_idempotent(bhttp::verb::delete_));
  BOOST_TEST(!is_idempotent(bhttp::verb::post));
  BOOST_TEST(!is_idempotent(bhttp::verb::patch));
}

BOOST_AUTO_TEST_SUITE_END()
