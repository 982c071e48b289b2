// WebhookInboxStore: a refused value (SQLSTATE class 22) rolls the insert back and is recorded as a
// rejection in a second transaction, so an unstorable body is a 400, never a 500.
#include "adapters/postgres/webhook_inbox_store.hpp"

#include "adapters/postgres/message_repository.hpp"
#include "gateway/domain/digest.hpp"
#include "gateway/log/log.hpp"

namespace relay::pg {

namespace {

void insert_rejection(pqxx::connection& connection, const std::string& reason,
                      const std::string& raw_body) {
  pqxx::work tx(connection);
  WebhookRepository::record_rejection(tx, reason, static_cast<std::int64_t>(raw_body.size()),
                                      domain::sha256_hex(raw_body));
  tx.commit();
}

}  // namespace

boost::asio::awaitable<WebhookStored> WebhookInboxStore::store(
    const VerifiedWebhook& event, const std::string& raw_body,
    const std::string& unstorable_reason) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    try {
      pqxx::work tx(connection);
      const bool inserted = WebhookRepository::store_event(
          tx, event.event_id, event.event_type, event.status, raw_body, event.applied_outcome);
      tx.commit();
      return inserted ? WebhookStored::inserted : WebhookStored::duplicate;
    } catch (const pqxx::data_exception&) {
      insert_rejection(connection, unstorable_reason, raw_body);
      return WebhookStored::unstorable;
    }
  });
}

boost::asio::awaitable<void> WebhookInboxStore::record_rejection(const std::string& reason,
                                                                 const std::string& raw_body) {
  co_await pool_.run(
      [&](pqxx::connection& connection) { insert_rejection(connection, reason, raw_body); });
}

boost::asio::awaitable<void> WebhookInboxStore::wake_relay(const std::string& event_id) {
  co_await pool_.run([&](pqxx::connection& connection) {
    try {
      notify_relay(connection, event_id);
    } catch (const std::exception&) {
      log::warn("webhook.wake_failed", {{"event_id", event_id}});
    }
  });
}

}  // namespace relay::pg
