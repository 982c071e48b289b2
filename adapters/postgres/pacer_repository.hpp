// SQL of the send pacer shared by every gateway process: its one row per account (locked for each
// update) and the grants not answered yet; the operator views read both without locking.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "adapters/postgres/delivery_records.hpp"

namespace relay::pg {

class PacerRepository {
 public:
  // The shared pacer row of an account, created with the configured limit when missing, locked
  // FOR UPDATE until the transaction ends.
  static PacerRow lock_pacer(pqxx::work& tx, const std::string& account, std::int64_t send_limit,
                             std::int64_t window_micros);
  static void store_pacer(pqxx::work& tx, const std::string& account, const PacerRow& row);
  // The pacer row as stored, without locking or creating it (operator views); none before the
  // first send.
  static std::optional<PacerRow> read_pacer(pqxx::transaction_base& tx, const std::string& account);
  // Grants younger than max_age, counted without removing the older ones (operator views).
  static std::int64_t count_live_pacer_grants(pqxx::transaction_base& tx,
                                              const std::string& account,
                                              std::chrono::seconds max_age);
  // Grants not yet answered, younger than max_age (older ones are deleted: no request lives that
  // long).
  static std::int64_t live_pacer_grants(pqxx::work& tx, const std::string& account,
                                        std::chrono::seconds max_age);
  static std::vector<std::int64_t> add_pacer_grants(pqxx::work& tx, const std::string& account,
                                                    int count);
  static void remove_pacer_grants(pqxx::work& tx, const std::vector<std::int64_t>& grant_ids);
};

}  // namespace relay::pg
