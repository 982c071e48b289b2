// The relay's database steps, one method per step, each opening and committing its own transaction
// (commit mode included): batch claims, state changes, the durable records around a Metriport send.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_records.hpp"

namespace relay::pg {

// Whether a commit waits for the WAL flush. A step between two in-flight states lost in a crash is
// only redone (the lease expires and the delivery is claimed again), so it need not wait.
enum class Durability { flushed, unflushed };

// The fence before a send: the delivery is still 'sending' under this claim's lease (renewed), the
// part is marked 'sending' (in doubt until an id is recorded), with its audit event.
struct SendStart {
  std::int64_t delivery_id = 0;
  std::string lease_token;
  std::chrono::seconds lease{0};
  int part = 1;
  std::string actor;
  std::string audit_detail_json;
};

// Metriport's id for a send (answered, or an earlier send adopted), and the move to 'accepted'
// when it was the delivery's last part.
struct SendRecord {
  std::int64_t delivery_id = 0;
  std::int64_t send_id = 0;
  std::string metriport_message_id;
  std::string actor;
  std::string audit_event;  // delivery.send_recorded | delivery.send_adopted
  std::string audit_detail_json;
  // Applied only if every part then has its id; the state machine's send_accepted (the lease
  // released, accepted_at stamped, nothing else: record_send refuses another change).
  std::optional<DeliveryChange> accept;
};

struct SendRecorded {
  bool recorded = false;  // false: the part was settled already (nothing changed)
  bool accepted = false;  // the delivery moved to 'accepted' in the same commit
  // Webhook events for this id were stored and not applied yet: the caller applies them now. An
  // applier looking for this id at the same moment takes turns with the recording
  // (DeliveryStatusRepository::serialise_metriport_id), so no event is left waiting.
  bool webhooks_waiting = false;
  // Accepted with every part already final (completed/failed by webhooks): settle it now.
  bool settle_now = false;
};

class RelayStore {
 public:
  explicit RelayStore(ConnectionPool& pool);

  // Claims up to `limit` deliveries in one transaction (unflushed: a lost claim only returns them
  // to the queue): High before Normal before Low, then vendors taking turns (the n-th delivery of
  // every vendor before the (n+1)-th of any), then whose turn is oldest, then age; SKIP LOCKED;
  // paused vendors skipped. Each is leased by `token_prefix` + its id, with its message's relay
  // fields, attachments, sends, documents, and the patient's Metriport id from the delivery or a
  // patient_cache entry younger than patient_cache_ttl. One audit event per claim.
  boost::asio::awaitable<std::vector<ClaimedDelivery>> claim(const std::string& token_prefix,
                                                             int limit, std::chrono::seconds lease,
                                                             std::chrono::seconds patient_cache_ttl,
                                                             const std::string& actor);

  // Stores the delivery's pending steps, then `change` (may be null); false (nothing stored) when a
  // guard failed. The pending steps are cleared when stored.
  boost::asio::awaitable<bool> apply(ClaimedDelivery& delivery, const DeliveryChange* change,
                                     Durability durability);

  // The pending steps and the send fence in one flushed commit: this is the durable record before
  // the send. The delivery's sends after it, or nullopt (nothing stored) when the lease was lost.
  // A first send after plain steps (the common path) is one statement.
  boost::asio::awaitable<std::optional<std::vector<DeliverySendRow>>> start_send(
      ClaimedDelivery& delivery, const SendStart& start);

  // The durable record after the send (flushed): two statements, the id with its lock, then the
  // facts, the acceptance and the audit events.
  boost::asio::awaitable<SendRecorded> record_send(const SendRecord& record);

  // The send definitely did not reach Metriport: the part back to 'pending' (lease still ours).
  boost::asio::awaitable<void> mark_send_pending(std::int64_t delivery_id, std::int64_t send_id,
                                                 const std::string& lease_token);
  // Extends this claim's lease; false when another claim holds the delivery now.
  boost::asio::awaitable<bool> extend_lease(std::int64_t delivery_id,
                                            const std::string& lease_token,
                                            std::chrono::seconds lease);
  boost::asio::awaitable<bool> is_known_message_id(const std::string& metriport_message_id);

  // Documents: the attachment's bytes, the reference Metriport created (stored before the PUT),
  // then uploaded (only that reference), answering the delivery's documents after.
  boost::asio::awaitable<std::string> attachment_content(std::int64_t attachment_id);
  boost::asio::awaitable<void> record_document(std::int64_t delivery_id,
                                               const std::optional<std::int64_t>& attachment_id,
                                               const std::string& metriport_document_id);
  boost::asio::awaitable<std::vector<DeliveryDocumentRow>> mark_document_uploaded(
      std::int64_t delivery_id, const std::optional<std::int64_t>& attachment_id,
      const std::string& metriport_document_id);

  // In-flight deliveries whose lease ran out (up to limit, SKIP LOCKED), each moved by the change
  // `decide` answers (none: left as is), in one transaction. Answers how many were locked.
  using ExpiryDecision = std::function<std::optional<DeliveryChange>(const ExpiredLease&)>;
  boost::asio::awaitable<int> reap_expired(int limit, const ExpiryDecision& decide);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
