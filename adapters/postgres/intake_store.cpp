// IntakeStore: an identical re-post is answered from a plain read; otherwise the row is locked and
// decided on. Two first posts of one ExternalId racing: the loser's insert fails, it retries once.
#include "adapters/postgres/intake_store.hpp"

#include <boost/json.hpp>

#include "adapters/postgres/message_repository.hpp"
#include "gateway/log/log.hpp"

namespace relay::pg {
namespace {

using domain::IntakeAction;

// The stored model of a message this transaction just wrote: built from what was written, so the
// answer needs no read-back (which would fetch every attachment's bytes again).
domain::StoredMessage stored_from(const domain::ValidatedMessage& message, std::int64_t vendor_id,
                                  std::string id, domain::EpochMicros creation_date) {
  domain::StoredMessage stored;
  stored.id = std::move(id);
  stored.vendor_id = vendor_id;
  stored.external_id = message.external_id;
  stored.from_external_id = message.from_external_id;
  stored.from_name = message.from_name;
  stored.patients = message.patients;
  stored.subject = message.subject;
  stored.body = message.body;
  stored.status = domain::PortalStatus::draft;  // Sent only once Metriport confirms delivery
  stored.requested_status = message.status;
  stored.priority = message.priority;
  for (const auto& attachment : message.attachments) {
    stored.files.push_back({attachment.file_name, attachment.bytes});
  }
  stored.creation_date = creation_date;
  stored.content_hash = message.content_hash;
  return stored;
}

// Counts only: the audit never holds a message's content.
std::string audit_detail(const domain::ValidatedMessage& message) {
  return boost::json::serialize(boost::json::object{{"patients", message.patients.size()},
                                                    {"attachments", message.attachments.size()}});
}

// The message is stored whatever happens here: a failed wake-up only leaves it to the relay's poll.
void wake_relay(pqxx::connection& connection, const std::string& message_id) {
  try {
    notify_relay(connection, message_id);
  } catch (const std::exception&) {
    log::warn("relay.wake_failed", {{"message_id", message_id}});
  }
}

domain::Outcome<IntakeStored> store_on(pqxx::connection& connection, std::int64_t vendor_id,
                                       const domain::ValidatedMessage& message) {
  // An identical re-post (a vendor's retry) is answered from a plain read: no row lock and no WAL
  // write, so retries neither queue behind each other nor cost a durable commit.
  {
    SnapshotRead tx(connection);
    auto stored = MessageRepository::find_by_external_id(tx, vendor_id, message.external_id);
    if (stored && stored->content_hash == message.content_hash) {
      return IntakeStored{std::move(*stored), IntakeAction::unchanged};
    }
  }
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::work tx(connection);
      const auto existing =
          MessageRepository::lock_by_external_id(tx, vendor_id, message.external_id);
      std::optional<domain::StoredVersion> stored;
      if (existing) {
        stored = domain::StoredVersion{existing->requested_status, existing->content_hash};
      }
      const auto action = domain::decide_intake(stored, message.content_hash);

      std::optional<domain::StoredMessage> answer;
      bool queued = false;
      switch (action) {
        case IntakeAction::conflict:
          return domain::RequestError::field(
              "model.ExternalId",
              "A message with this ExternalId was already queued for delivery with different "
              "content; it can no longer be changed.",
              domain::ErrorKind::conflict);
        case IntakeAction::unchanged:  // an identical post committed between our read and the lock
          answer = MessageRepository::find_by_external_id(tx, vendor_id, message.external_id);
          break;
        case IntakeAction::create: {
          auto inserted = MessageRepository::insert(tx, vendor_id, message);
          queued = inserted.queued_deliveries;
          answer = stored_from(message, vendor_id, std::move(inserted.id), inserted.creation_date);
          break;
        }
        case IntakeAction::update_draft:
          queued = MessageRepository::replace_draft(tx, existing->id, message);
          answer = stored_from(message, vendor_id, existing->id, existing->creation_date);
          break;
      }
      if (!answer) throw std::logic_error("stored message vanished inside its own transaction");
      if (action != IntakeAction::unchanged) {
        append_audit_event(
            tx, {"vendor:" + std::to_string(vendor_id), "message", answer->id,
                 domain::audit_event_for(action, message.status), audit_detail(message)});
      }
      tx.commit();
      if (queued) wake_relay(connection, answer->id);
      log::info(domain::audit_event_for(action, message.status),
                {{"message_id", answer->id}, {"vendor_id", std::to_string(vendor_id)}});
      return IntakeStored{std::move(*answer), action};
    } catch (const pqxx::unique_violation&) {
      if (attempt >= 1) throw;  // the concurrent insert has committed: the retry sees it
    }
  }
}

}  // namespace

boost::asio::awaitable<domain::Outcome<IntakeStored>> IntakeStore::store(
    std::int64_t vendor_id, const domain::ValidatedMessage& message) {
  co_return co_await pool_.run([vendor_id, &message](pqxx::connection& connection) {
    return store_on(connection, vendor_id, message);
  });
}

}  // namespace relay::pg
