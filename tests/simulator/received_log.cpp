// ReceivedLog bookkeeping: outcome counters and duplicate detection by SHA-256 of patient ID and
// raw body (so the sets stay small even for large bodies).
#include "tests/simulator/received_log.hpp"

#include "gateway/domain/digest.hpp"

namespace relay::sim {
namespace {

std::string send_key(std::string_view patient_id, std::string_view raw_body) {
  std::string input(patient_id);
  input += '\n';
  input += raw_body;
  return domain::sha256_raw(input);
}

}  // namespace

void ReceivedLog::add_lookup(std::string external_id, int status) {
  ++counters.patient_lookups;
  if (status == 404) ++counters.patients_not_found;
  lookups_.push_back({std::move(external_id), status});
}

std::uint64_t ReceivedLog::add_send(SendRecord record) {
  ++counters.sends;
  if (record.outcome == "accepted") {
    ++counters.sends_accepted;
  } else if (record.outcome == "rate_limited") {
    ++counters.sends_rate_limited;
  } else if (record.outcome == "error") {
    ++counters.sends_error;
  } else if (record.outcome == "ambiguous") {
    ++counters.sends_ambiguous;
  } else {
    ++counters.sends_rejected;
  }
  if (!send_keys_.insert(send_key(record.patient_id, record.raw_body)).second) {
    ++counters.sends_duplicate_body;
  }
  record.seq = sends_.size() + 1;
  sends_.push_back(std::move(record));
  return sends_.back().seq;
}

bool ReceivedLog::note_stored_message(std::string_view patient_id, std::string_view raw_body) {
  ++counters.messages_stored;
  const bool duplicate = !message_keys_.insert(send_key(patient_id, raw_body)).second;
  if (duplicate) ++counters.messages_duplicate;
  return duplicate;
}

std::size_t ReceivedLog::add_webhook(WebhookRecord record) {
  if (record.fate == "lost") {
    ++counters.webhooks_lost;
  } else {
    ++counters.webhooks_posted;
    if (record.fate == "duplicate") ++counters.webhooks_duplicated;
  }
  webhooks_.push_back(std::move(record));
  return webhooks_.size() - 1;
}

void ReceivedLog::set_webhook_status(std::size_t index, int status) {
  if (index >= webhooks_.size()) return;
  webhooks_[index].gateway_status = status;
  ++counters.webhooks_by_gateway_status[status];
}

boost::json::object ReceivedLog::counters_json() const {
  const Counters& c = counters;
  boost::json::object by_status;
  for (const auto& [status, count] : c.webhooks_by_gateway_status) {
    by_status[std::to_string(status)] = count;
  }
  return boost::json::object{
      {"api_calls", c.api_calls},
      {"unauthorized", c.unauthorized},
      {"injected_429", c.injected_429},
      {"injected_500", c.injected_500},
      {"patient_lookups", c.patient_lookups},
      {"patients_not_found", c.patients_not_found},
      {"documents_created", c.documents_created},
      {"documents_uploaded", c.documents_uploaded},
      {"uploads_expired", c.uploads_expired},
      {"uploads_refused", c.uploads_refused},
      {"sends", c.sends},
      {"sends_accepted", c.sends_accepted},
      {"sends_rejected", c.sends_rejected},
      {"sends_rate_limited", c.sends_rate_limited},
      {"sends_error", c.sends_error},
      {"sends_ambiguous", c.sends_ambiguous},
      {"sends_duplicate_body", c.sends_duplicate_body},
      {"messages_stored", c.messages_stored},
      {"messages_duplicate", c.messages_duplicate},
      {"messages_completed", c.messages_completed},
      {"messages_failed", c.messages_failed},
      {"webhooks_pending", c.webhooks_pending},
      {"webhook_events", c.webhook_events},
      {"webhooks_posted", c.webhooks_posted},
      {"webhooks_lost", c.webhooks_lost},
      {"webhooks_duplicated", c.webhooks_duplicated},
      {"webhooks_superseded", c.webhooks_superseded},
      {"webhooks_by_gateway_status", std::move(by_status)},
  };
}

void ReceivedLog::clear() {
  const std::uint64_t pending = counters.webhooks_pending;
  counters = Counters{};
  counters.webhooks_pending = pending;  // still-running events finish and decrement
  lookups_.clear();
  sends_.clear();
  webhooks_.clear();
  send_keys_.clear();
  message_keys_.clear();
}

}  // namespace relay::sim
