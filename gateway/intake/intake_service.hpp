// Stores a validated message: one transaction for message, patients, files, deliveries and the
// audit event, on a database thread. The answer is produced only after that transaction commits.
#pragma once

#include <cstdint>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/domain/message.hpp"
#include "gateway/domain/outcome.hpp"
#include "gateway/intake/intake_decision.hpp"

namespace relay::intake {

struct IntakeResult {
  domain::StoredMessage message;
  IntakeAction action = IntakeAction::create;
};

class IntakeService {
 public:
  explicit IntakeService(pg::ConnectionPool& pool);

  // Expected failures (409) come back as values; database failures throw.
  boost::asio::awaitable<domain::Outcome<IntakeResult>> submit(
      std::int64_t vendor_id, const domain::ValidatedMessage& message);

 private:
  domain::Outcome<IntakeResult> store(pqxx::connection& connection, std::int64_t vendor_id,
                                      const domain::ValidatedMessage& message);

  pg::ConnectionPool& pool_;
};

}  // namespace relay::intake
