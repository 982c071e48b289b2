// The webhook endpoint's writes, each in its own transaction: a verified event stored once per
// Metriport event id, a refused body recorded by size and digest only, and the relay woken.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/webhook_repository.hpp"

namespace relay::pg {

// A verified event as the endpoint read it.
struct VerifiedWebhook {
  std::string event_id;  // meta.messageId
  std::string event_type;
  std::optional<WebhookStatus> status;  // a message.status event's fields
  // Set: stored as applied at once (pings, types the relay does not apply).
  std::optional<std::string> applied_outcome;
};

enum class WebhookStored {
  inserted,
  duplicate,   // its event id is stored already (a retry or a replay)
  unstorable,  // valid JSON that PostgreSQL refuses (a \u0000 escape): recorded as a rejection
};

class WebhookInboxStore {
 public:
  explicit WebhookInboxStore(ConnectionPool& pool) : pool_(pool) {}

  // raw_body is stored with the event; unstorable_reason is what a refused one is recorded with.
  boost::asio::awaitable<WebhookStored> store(const VerifiedWebhook& event,
                                              const std::string& raw_body,
                                              const std::string& unstorable_reason);
  // A refused body: the reason, its size and its SHA-256, never the body.
  boost::asio::awaitable<void> record_rejection(const std::string& reason,
                                                const std::string& raw_body);
  // NOTIFYs the relay engines to apply the event; a failure is logged, not thrown (their poll
  // covers a lost wake-up).
  boost::asio::awaitable<void> wake_relay(const std::string& event_id);

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
