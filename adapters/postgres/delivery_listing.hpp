// Read-only views of the relay queues for operators: one message's deliveries with their Metriport
// ids, and the queue's counts per state (the CLI's `deliveries` and `queue` commands).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace relay::pg {

struct DeliveryView {
  std::int64_t id = 0;
  int patient_position = 0;
  std::string patient_external_id;
  std::string state;
  int attempts = 0;
  std::optional<std::string> metriport_patient_id;
  std::vector<std::string> metriport_message_ids;  // by part; "pending" for a part not sent yet
  std::optional<std::string> last_error;
  bool flagged = false;  // accepted long ago and still unconfirmed by Metriport
};

struct QueueCounts {
  std::map<std::string, std::int64_t> deliveries_by_state;
  std::int64_t unsent_parts = 0;  // sends of queued and in-flight deliveries not yet accepted
  std::int64_t flagged = 0;       // accepted, unconfirmed past relay.flag_after_seconds
  std::map<std::string, std::int64_t> webhooks_by_type_and_outcome;  // "message.status applied"
  std::int64_t webhook_rejections = 0;
};

// The deliveries of a vendor's message (by the portal ExternalId), in patient order; nullopt when
// the vendor has no such message.
std::optional<std::vector<DeliveryView>> deliveries_of_message(pqxx::transaction_base& tx,
                                                               const std::string& vendor_name,
                                                               const std::string& external_id);

QueueCounts queue_counts(pqxx::transaction_base& tx);

// Metriport sends still to make: the queue's unsent_parts (also the operations summary's drain).
std::int64_t count_unsent_parts(pqxx::transaction_base& tx);
// Deliveries accepted long ago and still unconfirmed (flagged by the reconciler).
std::int64_t count_flagged_unconfirmed(pqxx::transaction_base& tx);

}  // namespace relay::pg
