// Rows the relay engine reads and writes: a claimed delivery with everything needed to relay it,
// its Metriport sends and documents, one state change with its guards and audit event, and the
// steps a worker has taken but not stored yet.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/domain/delivery_state.hpp"
#include "gateway/domain/message.hpp"

namespace relay::pg {

struct DeliveryAttachment {
  std::int64_t id = 0;
  int position = 0;
  std::string file_name;
  std::string content_type;
  std::int64_t size_bytes = 0;
};

// One row of delivery_sends.
struct DeliverySendRow {
  std::int64_t id = 0;
  int part = 1;
  int parts = 1;
  std::optional<std::string> metriport_message_id;
  domain::SendStatus status = domain::SendStatus::pending;
  std::optional<domain::EpochMicros> first_attempt_at;
};

// One row of delivery_documents: attachment_id nullopt is the full-body text document.
struct DeliveryDocumentRow {
  std::int64_t id = 0;
  std::optional<std::int64_t> attachment_id;
  std::string metriport_document_id;
  bool uploaded = false;
};

// A delivery whose lease ran out while in flight (its instance died or stalled).
struct ExpiredLease {
  std::int64_t id = 0;
  std::string state;
  int attempts = 0;
};

enum class LeaseChange { keep, take_or_extend, release };

// One transition of a delivery: applied only if the row is still in from_state (and, when
// lease_holder is set, still leased by it), with the audit event in the same transaction.
struct DeliveryChange {
  std::int64_t delivery_id = 0;
  domain::DeliveryState from_state = domain::DeliveryState::queued;
  domain::DeliveryState to_state = domain::DeliveryState::queued;
  std::optional<std::string> lease_holder;  // guard: locked_by must equal it (the claim's token)
  LeaseChange lease = LeaseChange::keep;
  std::string new_lease_holder;  // for take_or_extend
  std::chrono::seconds lease_length{0};
  bool count_attempt = false;
  bool reset_attempts = false;  // also clears last_error and next_attempt_at
  // next_attempt_at = the database clock + this delay (every process compares it with that clock).
  std::optional<std::chrono::microseconds> retry_delay;
  std::optional<std::string> reason;  // last_error; never PHI
  bool stamp_accepted = false;
  bool stamp_completed = false;
  std::string actor;        // "relay:<instance>", "operator:<name>", "system"
  std::string audit_event;  // "delivery.claimed", ...
  std::string audit_detail_json = "{}";
  std::optional<std::string> metriport_patient_id;  // also stored on the delivery when set
};

// Steps a worker has taken in memory that are stored with the delivery's next transaction, so the
// common path's pre-send steps (patient resolved, plan made, documents ready) cost no commit.
struct PendingSteps {
  std::optional<std::string> metriport_patient_id;  // stored on the delivery
  bool cache_patient = false;                       // looked up now: also into patient_cache
  std::string patient_external_id;                  // the patient_cache key when cache_patient
  std::optional<int> ensure_parts;                  // delivery_sends rows 1..parts
  std::vector<DeliveryChange> changes;              // in order, each guarded by its from_state
  bool empty() const { return !metriport_patient_id && !ensure_parts && changes.empty(); }
};

// A delivery this instance holds the lease of, with its message's relay fields.
struct ClaimedDelivery {
  std::int64_t id = 0;
  // This claim's own lease holder name (instance + claim number): a worker whose lease expired
  // and was claimed again, even by another worker of the same process, fails every guard.
  std::string lease_token;
  std::chrono::steady_clock::time_point lease_renewed_at;  // when this process last extended it
  std::string message_id;
  std::string message_external_id;
  std::int64_t vendor_id = 0;
  // The state it was claimed from (queued or retry_wait), and where this worker has it now (the
  // database may be behind by the pending steps).
  domain::DeliveryState previous_state = domain::DeliveryState::queued;
  domain::DeliveryState state = domain::DeliveryState::resolving;
  int attempts = 0;  // failed attempts so far
  std::string patient_external_id;
  std::optional<std::string> metriport_patient_id;
  std::string relay_subject;
  std::optional<std::string> relay_body;
  std::string destination;
  std::vector<std::string> intended_recipient_npi;
  std::vector<DeliveryAttachment> attachments;  // in the vendor's order
  std::vector<DeliverySendRow> sends;           // by part
  std::vector<DeliveryDocumentRow> documents;
  PendingSteps pending;  // steps taken in memory, stored with the delivery's next transaction
};

// The shared pacer row (schema relay_pacer), microseconds since the epoch.
struct PacerRow {
  std::int64_t send_limit = 20;
  std::int64_t window_micros = 60'000'000;
  std::int64_t next_even_slot = 0;
  std::int64_t known_window_end = 0;
  std::int64_t remaining_in_known_window = 0;
  std::int64_t blocked_until = 0;
  std::int64_t in_flight = 0;
  std::int64_t last_grant_micros = 0;  // when a send slot was last granted (stale in_flight guard)
};

}  // namespace relay::pg
