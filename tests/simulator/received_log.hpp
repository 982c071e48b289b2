// What the simulated Metriport saw and did, for tests to assert on: patient lookups, every send
// request (raw bytes and outcome), every webhook event, and cheap counters.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace relay::sim {

struct PatientLookupRecord {
  std::string external_id;
  int status = 0;
};

struct SendRecord {
  std::uint64_t seq = 0;
  std::string patient_id;
  std::string raw_body;
  int http_status = 0;  // 0 for ambiguous (no answer written)
  std::string outcome;  // accepted | rejected | rate_limited | error | ambiguous
  std::optional<std::string> message_id;
  std::string received_at;
};

struct WebhookRecord {
  std::string event_id;
  std::string message_id;
  std::string raw_body;
  std::string signature;
  std::string fate;                   // posted | duplicate (the second post) | lost (not posted)
  std::optional<int> gateway_status;  // unset while in flight; 0 when no HTTP answer came
  std::string sent_at;
};

struct Counters {
  std::uint64_t api_calls = 0;
  std::uint64_t unauthorized = 0;
  std::uint64_t injected_429 = 0;
  std::uint64_t injected_500 = 0;
  std::uint64_t patient_lookups = 0;
  std::uint64_t patients_not_found = 0;
  std::uint64_t documents_created = 0;
  std::uint64_t documents_uploaded = 0;
  std::uint64_t uploads_expired = 0;
  std::uint64_t uploads_refused = 0;
  std::uint64_t sends = 0;
  std::uint64_t sends_accepted = 0;
  std::uint64_t sends_rejected = 0;
  std::uint64_t sends_rate_limited = 0;
  std::uint64_t sends_error = 0;
  std::uint64_t sends_ambiguous = 0;
  std::uint64_t sends_duplicate_body = 0;  // same patient and raw body as an earlier send request
  std::uint64_t messages_stored = 0;
  std::uint64_t messages_duplicate = 0;  // same patient and raw body as an earlier stored message
  std::uint64_t messages_completed = 0;
  std::uint64_t messages_failed = 0;
  std::uint64_t webhooks_pending = 0;  // status events scheduled and not yet finished
  std::uint64_t webhook_events = 0;
  std::uint64_t webhooks_posted = 0;  // POSTs, duplicates included
  std::uint64_t webhooks_lost = 0;
  std::uint64_t webhooks_duplicated = 0;
  std::uint64_t webhooks_superseded = 0;  // automatic events skipped after a manual status change
  std::map<int, std::uint64_t> webhooks_by_gateway_status;
};

// Not thread-safe: used under the simulator's state mutex.
class ReceivedLog {
 public:
  Counters counters;

  void add_lookup(std::string external_id, int status);
  // Counts the request and its outcome; notes a duplicate body. Returns the record's seq.
  std::uint64_t add_send(SendRecord record);
  // Notes a stored message; true when the patient and raw body match an earlier stored message.
  bool note_stored_message(std::string_view patient_id, std::string_view raw_body);
  // Returns the index to pass to set_webhook_status.
  std::size_t add_webhook(WebhookRecord record);
  void set_webhook_status(std::size_t index, int status);

  const std::deque<PatientLookupRecord>& lookups() const { return lookups_; }
  const std::deque<SendRecord>& sends() const { return sends_; }
  const std::deque<WebhookRecord>& webhooks() const { return webhooks_; }

  boost::json::object counters_json() const;
  void clear();

 private:
  std::deque<PatientLookupRecord> lookups_;
  std::deque<SendRecord> sends_;
  std::deque<WebhookRecord> webhooks_;
  std::unordered_set<std::string> send_keys_;
  std::unordered_set<std::string> message_keys_;
};

}  // namespace relay::sim
