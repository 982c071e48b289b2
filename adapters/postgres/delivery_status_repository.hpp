// SQL of Metriport's final word on a delivery: a send's outcome (from a webhook or a status poll),
// settling the delivery, the message turning Sent, and the reconciler's checks and flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace relay::pg {

struct SendForStatus {
  std::int64_t send_id = 0;
  std::int64_t delivery_id = 0;
  int part = 1;
  int parts = 1;
  std::string status;  // pending, sending, processing, completed, failed
};

struct DeliveryForSettle {
  std::string state;
  int attempts = 0;
  std::string message_id;
};

struct SendOutcome {
  std::string status;
  std::optional<std::string> reason;
};

class DeliveryStatusRepository {
 public:
  // The send Metriport knows by that id, locked; nullopt while no send has recorded it.
  // Until the transaction ends, no other transaction passes this call for the same id: the relay
  // recording the id and the applier finding no send for it take turns, so a webhook that arrives
  // while the id is being recorded is either seen by the recording or finds the send itself.
  static void serialise_metriport_id(pqxx::work& tx, const std::string& metriport_message_id);
  // The recording side of it in one statement: Metriport accepted the send (or the earlier send
  // was found): its id, 'processing', then the id's turn as above. Recorded whoever holds the
  // lease (the id is a fact); false (and no lock) when the part was settled already.
  static bool record_metriport_id(pqxx::work& tx, std::int64_t send_id,
                                  const std::string& metriport_message_id);
  static std::optional<SendForStatus> lock_send(pqxx::work& tx,
                                                const std::string& metriport_message_id);
  // completed_at: ISO 8601 from Metriport.
  static void set_send_outcome(pqxx::work& tx, std::int64_t send_id, const std::string& status,
                               const std::optional<std::string>& reason,
                               const std::string& completed_at);
  static std::optional<DeliveryForSettle> lock_delivery(pqxx::work& tx, std::int64_t delivery_id);
  static std::vector<SendOutcome> send_outcomes(pqxx::work& tx, std::int64_t delivery_id);
  // Locks the message row: settles of its deliveries then run one after another, so the last one
  // to complete always sees the others completed.
  static void lock_message(pqxx::work& tx, const std::string& message_id);
  // Sent, with SentDate = the latest completion Metriport reported, once every delivery is
  // completed: the seconds since its deliveries were queued. nullopt when some delivery is not
  // completed (or it was Sent already).
  static std::optional<double> mark_message_sent_if_complete(pqxx::work& tx,
                                                             const std::string& message_id);

  // Accepted deliveries whose status was not read for `age_seconds` (nor since acceptance), the
  // oldest first, stamped as checked now so other processes skip them.
  static std::vector<std::int64_t> take_unconfirmed(pqxx::work& tx, int age_seconds, int limit);
  static std::vector<std::string> processing_message_ids(pqxx::work& tx, std::int64_t delivery_id);
  // Accepted deliveries unconfirmed for `age_seconds`, not flagged yet: flagged now.
  static std::vector<std::int64_t> flag_unconfirmed(pqxx::work& tx, int age_seconds);
};

}  // namespace relay::pg
