// SQL of the relay's single steps: recovering expired leases, state changes with their audit
// events, Metriport sends, documents and the patient cache (RelayStore adds the batch claim; the
// pacer's SQL is in pacer_repository.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "adapters/postgres/delivery_records.hpp"

namespace relay::pg {

// The enum of a state or status column (a value outside the CHECK constraint throws).
domain::DeliveryState delivery_state_of(const pqxx::field& field);
domain::SendStatus send_status_of(const pqxx::field& field);

class DeliveryRepository {
 public:
  // In-flight deliveries whose lease ended, locked (SKIP LOCKED) for the caller to move on.
  static std::vector<ExpiredLease> lock_expired_leases(pqxx::work& tx, int limit);

  // Applies a change; false when the guards failed (state moved on, or the lease was lost).
  static bool apply(pqxx::work& tx, const DeliveryChange& change);
  // The row update of a change alone, without its audit event (the caller writes one for it).
  static bool update_state(pqxx::work& tx, const DeliveryChange& change);

  // Keeps the lease of an in-flight delivery for another `lease`; false when it is not ours now.
  static bool extend_lease(pqxx::work& tx, std::int64_t delivery_id, const std::string& instance,
                           std::chrono::seconds lease);

  // Re-reads the sends and documents of a delivery (after planning or uploading).
  // Rows of (id, part, parts, metriport_message_id, status, first attempt in microseconds).
  static std::vector<DeliverySendRow> send_rows(const pqxx::result& rows);
  static std::vector<DeliverySendRow> sends_of(pqxx::transaction_base& tx,
                                               std::int64_t delivery_id);
  static std::vector<DeliveryDocumentRow> documents_of(pqxx::transaction_base& tx,
                                                       std::int64_t delivery_id);

  // Creates parts 1..parts as 'pending' unless they exist.
  static void ensure_sends(pqxx::work& tx, std::int64_t delivery_id, int parts);
  // ensure_sends with sending_part (0: none) created as 'sending' (first attempt now); true when
  // that part was created here (false: it existed, and is left as it was).
  static bool ensure_sends_starting(pqxx::work& tx, std::int64_t delivery_id, int parts,
                                    int sending_part);
  // A send is about to be written to Metriport: renews the lease of the delivery (still 'sending'
  // and held by lease_token) and marks the part 'sending' (first_attempt_at kept from the first
  // try). False, with nothing changed, when the lease is not ours: the caller must not send.
  static bool mark_send_started(pqxx::work& tx, std::int64_t delivery_id, std::int64_t send_id,
                                const std::string& lease_token, std::chrono::seconds lease);
  // The part alone marked 'sending': for a caller that has just taken the lease into 'sending' in
  // the same transaction (the fence is that change's own guard).
  static bool mark_part_started(pqxx::work& tx, std::int64_t send_id);
  // The send definitely did not reach Metriport (refused or never written): back to 'pending',
  // only while the delivery is still held by lease_token.
  static void mark_send_pending(pqxx::work& tx, std::int64_t delivery_id, std::int64_t send_id,
                                const std::string& lease_token);
  // Whether a Metriport message id is already recorded by some send.
  static bool is_known_message_id(pqxx::transaction_base& tx, const std::string& metriport_id);

  // Records the document reference created for an attachment (or the full body when
  // attachment_id is nullopt), replacing an earlier one whose upload never completed.
  static void record_document(pqxx::work& tx, std::int64_t delivery_id,
                              std::optional<std::int64_t> attachment_id,
                              const std::string& metriport_document_id);
  // Marks that reference uploaded (not a newer one another claim recorded meanwhile).
  static void mark_document_uploaded(pqxx::work& tx, std::int64_t delivery_id,
                                     std::optional<std::int64_t> attachment_id,
                                     const std::string& metriport_document_id);
  static std::string attachment_content(pqxx::transaction_base& tx, std::int64_t attachment_id);

  static void cache_patient(pqxx::work& tx, const std::string& external_id,
                            const std::string& metriport_patient_id);
};

}  // namespace relay::pg
