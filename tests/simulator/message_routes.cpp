// POST /message, GET /message/{id} and GET /message: the send pipeline in Metriport's order
// (rate limiter, then the route's checks), the stored record, and the paged listing.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/url/url.hpp>

#include "gateway/log/log.hpp"
#include "tests/simulator/json_body.hpp"
#include "tests/simulator/paging.hpp"
#include "tests/simulator/random_source.hpp"
#include "tests/simulator/responses.hpp"
#include "tests/simulator/routes.hpp"
#include "tests/simulator/send_validation.hpp"
#include "tests/simulator/sim_clock.hpp"

namespace relay::sim {
namespace {
namespace json = boost::json;

void add_rate_limit_headers(Response& response, const WindowDecision& window) {
  response.set("RateLimit-Limit", std::to_string(window.limit));
  response.set("RateLimit-Remaining", std::to_string(window.remaining));
  response.set("RateLimit-Reset", std::to_string(window.reset_seconds));
}

json::object answer_json(const Settings& settings, const MessageRecord& message) {
  return settings.answer_shape == AnswerShape::communication ? communication_json(message)
                                                             : message_json(message);
}

// The schema, the patient ID and the attachments; the 400 answer when any is wrong.
std::optional<Response> check_send(SimContext& context, const std::optional<std::string>& patient,
                                   const Request& request, SendBody& out) {
  if (!patient) return bad_request("patientId: Required");
  if (!is_zod_uuid(*patient)) return bad_request("patientId: Invalid uuid");
  auto parsed = read_json_body(request);
  if (auto* error = std::get_if<std::string>(&parsed)) return bad_request(*error);
  SendValidation validation = validate_send_body(std::get<json::value>(parsed));
  if (!validation.body) return bad_request(validation.detail());
  if (validation.body->attachments) {
    if (auto problem =
            context.state.documents.check_attachments(*patient, *validation.body->attachments)) {
      return bad_request(*problem);
    }
  }
  out = std::move(*validation.body);
  return std::nullopt;
}

MessageRecord new_message(const std::string& patient_id, SendBody body) {
  MessageRecord message;
  message.id = random_uuid_v4();
  message.patient_id = patient_id;
  message.transport_method = transport_method_for(body.destination);
  message.destination = std::move(body.destination);
  message.subject = std::move(body.subject);
  message.body = std::move(body.body);
  if (body.attachments) message.attachments = std::move(*body.attachments);
  if (body.intended_recipient_npi) {
    message.intended_recipient_npi = std::move(*body.intended_recipient_npi);
  }
  message.sent_at = now_iso();
  message.updated_at = message.sent_at;
  return message;
}

}  // namespace

SendDecision handle_send(SimContext& context, const RequestTarget& target, const Request& request) {
  SimState& state = context.state;
  const Settings& settings = state.settings;
  const auto patient = target.param("patientId");
  SendRecord record;
  record.patient_id = patient.value_or("");
  record.raw_body = request.body();
  record.received_at = now_iso();

  std::optional<WindowDecision> window;
  if (settings.send_limit_per_window > 0) {
    window = state.send_window.hit(now_epoch_millis(), settings.send_limit_per_window,
                                   settings.send_window_seconds);
  }
  SendDecision decision;
  std::optional<Response> answer;
  if (window && !window->allowed) {
    answer = too_many_requests(window->reset_seconds);
    record.outcome = "rate_limited";
  } else if (state.dice.chance(settings.rate_429)) {
    answer = too_many_requests(settings.retry_after_seconds);
    record.outcome = "rate_limited";
    ++state.log.counters.injected_429;
  } else if (state.dice.chance(settings.error_rate)) {
    answer = internal_error();
    record.outcome = "error";
    ++state.log.counters.injected_500;
  } else {
    SendBody body;
    answer = check_send(context, patient, request, body);
    if (answer) {
      record.outcome = "rejected";
    } else {
      MessageRecord& message = state.messages.add(new_message(*patient, std::move(body)));
      state.log.note_stored_message(message.patient_id, request.body());
      record.message_id = message.id;
      decision.scheduled_message = message.id;
      decision.webhook_delay = std::chrono::milliseconds(settings.webhook_delay_ms);
      ++state.log.counters.webhooks_pending;
      if (state.dice.chance(settings.ambiguous_rate)) {
        record.outcome = "ambiguous";
      } else {
        record.outcome = "accepted";
        answer = json_response(200, answer_json(settings, message));
      }
    }
  }
  record.http_status = answer ? static_cast<int>(answer->result_int()) : 0;
  if (answer && window) add_rate_limit_headers(*answer, *window);
  log::info("sim.send", {{"seq", std::to_string(state.log.counters.sends + 1)},
                         {"outcome", record.outcome},
                         {"status", std::to_string(record.http_status)},
                         {"message", record.message_id.value_or("")}});
  state.log.add_send(std::move(record));
  decision.reply.response = std::move(answer);
  return decision;
}

Response get_message(SimContext& context, std::string_view id) {
  const MessageRecord* message = context.state.messages.find(id);
  if (message == nullptr) return not_found("Could not find message");
  return json_response(200, answer_json(context.state.settings, *message));
}

Response list_messages(SimContext& context, const RequestTarget& target) {
  MessageFilter filter;
  filter.patient_id = target.param("patientId");
  filter.direction = target.param("direction");
  filter.destination = target.param("destination");
  filter.status = target.param("status");
  if (filter.patient_id && !is_zod_uuid(*filter.patient_id)) {
    return bad_request("patientId: Invalid uuid");
  }
  if (filter.direction && *filter.direction != "outbound" && *filter.direction != "inbound") {
    return bad_request("direction: Invalid enum value. Expected 'outbound' | 'inbound'");
  }
  if (filter.destination && (filter.destination->empty() || filter.destination->size() > 255)) {
    return bad_request("destination: String must contain 1 to 255 character(s)");
  }
  if (filter.status && *filter.status != "processing" && *filter.status != "completed" &&
      *filter.status != "failed") {
    return bad_request(
        "status: Invalid enum value. Expected 'processing' | 'completed' | 'failed'");
  }
  const auto from_item = target.param("fromItem");
  const auto to_item = target.param("toItem");
  if (from_item && to_item) {
    return bad_request("Either fromItem or toItem can be provided, but not both");
  }
  PageRequest page_request;
  if (const auto count = target.param("count")) {
    auto parsed = parse_page_count(*count);
    if (auto* error = std::get_if<std::string>(&parsed)) return bad_request(*error);
    page_request.count = std::get<std::size_t>(parsed);
  }
  MessageStore& store = context.state.messages;
  if (from_item) {
    const MessageRecord* cursor = store.find(*from_item);
    if (cursor == nullptr) return bad_request("fromItem: no such item");
    page_request.from_seq = cursor->seq;
  }
  if (to_item) {
    const MessageRecord* cursor = store.find(*to_item);
    if (cursor == nullptr) return bad_request("toItem: no such item");
    page_request.to_seq = cursor->seq;
  }

  const auto matches = store.matching_newest_first(filter);
  std::vector<std::uint64_t> seqs;
  seqs.reserve(matches.size());
  for (const auto* message : matches) seqs.push_back(message->seq);
  const Page page = select_page(seqs, page_request);

  // Links repeat the filters and count, with the cursor of the neighbouring page.
  auto link = [&](std::string_view cursor_name, const std::string& cursor_id) {
    boost::urls::url url(context.public_base + "/medical/v1/message");
    for (const auto& [name, value] : target.query) {
      if (name == "fromItem" || name == "toItem" || name == "count") continue;
      url.params().append({name, value});
    }
    url.params().append({cursor_name, cursor_id});
    url.params().append({"count", std::to_string(page_request.count)});
    return std::string(url.buffer());
  };

  json::array messages;
  for (std::size_t i = page.begin; i < page.end; ++i) messages.push_back(message_json(*matches[i]));
  json::object meta;
  meta["itemsOnPage"] = page.end - page.begin;
  meta["itemsInTotal"] = matches.size();
  if (page.next_from) meta["nextPage"] = link("fromItem", matches[*page.next_from]->id);
  if (page.prev_to) meta["prevPage"] = link("toItem", matches[*page.prev_to]->id);
  return json_response(200,
                       json::object{{"meta", std::move(meta)}, {"messages", std::move(messages)}});
}

}  // namespace relay::sim
