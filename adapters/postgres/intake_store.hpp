// Stores a validated message: one transaction for message, patients, files, deliveries and the
// audit event, with the idempotency rules (domain::decide_intake) applied under the row lock.
#pragma once

#include <cstdint>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/domain/intake_decision.hpp"
#include "gateway/domain/message.hpp"
#include "gateway/domain/outcome.hpp"

namespace relay::pg {

struct IntakeStored {
  domain::StoredMessage message;
  domain::IntakeAction action = domain::IntakeAction::create;
};

class IntakeStore {
 public:
  explicit IntakeStore(ConnectionPool& pool) : pool_(pool) {}

  // Returns once the transaction has committed (and the relay was woken when it queued
  // deliveries). A conflicting re-post (409) comes back as a value; database failures throw.
  boost::asio::awaitable<domain::Outcome<IntakeStored>> store(
      std::int64_t vendor_id, const domain::ValidatedMessage& message);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
