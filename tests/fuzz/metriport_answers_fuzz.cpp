// libFuzzer target for the Metriport answer and header parsers: no input crashes them, every
// parsed value has its required IDs, and every error reason stays bounded.
#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/metriport/answer_parsers.hpp"
#include "adapters/metriport/classification.hpp"
#include "adapters/metriport/error_reason.hpp"
#include "adapters/metriport/message_record_parser.hpp"
#include "adapters/metriport/rate_limit_headers.hpp"
#include "adapters/metriport/url_origin.hpp"

namespace {
using namespace relay::metriport;

void require(bool condition) {
  if (!condition) std::abort();
}

void check_record(const MessageRecord& record) {
  require(!record.id.empty());
  require(record.status == "processing" || record.status == "completed" ||
          record.status == "failed");
  for (const auto& attachment : record.attachments) require(!attachment.empty());
}

void check_bodies(std::string_view body) {
  if (auto patient = parse_patient(body); patient.value) {
    require(!patient.value->id.empty());
  } else {
    require(!patient.error.empty());
  }
  if (auto upload = parse_document_upload(body); upload.value) {
    require(!upload.value->document_reference_id.empty());
    require(parse_http_url(upload.value->upload_url).has_value());
  }
  if (auto message = parse_message_answer(body); message.value) {
    check_record(*message.value);
  } else {
    require(!message.error.empty());
  }
  if (auto page = parse_message_list(body); page.value) {
    for (const auto& record : page.value->messages) check_record(record);
    if (page.value->next_page) {
      require(!page.value->next_page->empty());
      (void)next_page_refusal("https://api.metriport.com/medical/v1", *page.value->next_page);
    }
  }
  for (int status : {400, 403, 429, 502}) {
    require(describe_error_answer(status, body).size() <= max_reason_bytes);
  }
}

void check_headers(std::string_view text) {
  const auto now = std::chrono::system_clock::now();
  if (auto delay = parse_retry_after(text, now)) {
    require(delay->count() >= 0);
    require(*delay <= std::chrono::duration_cast<std::chrono::milliseconds>(max_retry_after));
  }
  (void)parse_http_date(text);
  const auto info = parse_rate_limit(text, text, text, text);
  require(!info.limit || *info.limit >= 0);
  require(!info.remaining || *info.remaining >= 0);

  HttpAnswer answer;
  answer.status = 429;
  answer.headers.set(boost::beast::http::field::retry_after, std::string(text));
  answer.headers.set("RateLimit", std::string(text));
  answer.body = std::string(text);
  const auto classification = classify_answer(answer, false, now);
  require(classification.outcome == CallOutcome::rate_limited);
  require(classification.reason.size() <= max_reason_bytes);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_bodies(input);
  // Header values never hold CR, LF or NUL (Beast refuses them); feed the first line only.
  const std::size_t end = input.find_first_of(std::string_view("\r\n\0", 3));
  check_headers(input.substr(0, std::min(end, std::size_t{256})));
  return 0;
}
