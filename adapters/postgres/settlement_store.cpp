// SettlementStore: locks go send -> delivery -> message on every path, and the message lock makes
// the last delivery to complete see the others, so a message turns Sent exactly once.
#include "adapters/postgres/settlement_store.hpp"

#include "adapters/postgres/delivery_repository.hpp"
#include "adapters/postgres/delivery_status_repository.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "adapters/postgres/webhook_repository.hpp"
#include "gateway/log/log.hpp"

namespace relay::pg {

namespace {

// The steps below run inside the caller's transaction and may be composed: an event applies a
// status, a status settles its delivery.
class Settler {
 public:
  Settler(pqxx::work& tx, const SettlementRules& rules, const std::string& actor,
          Settlements& settled)
      : tx_(tx), rules_(rules), actor_(actor), settled_(settled) {}

  ApplyOutcome apply_status(const StatusReport& report) {
    auto send = DeliveryStatusRepository::lock_send(tx_, report.metriport_message_id);
    if (!send) {
      // Maybe being recorded right now: after that commit the send is found here, or the
      // recording sees this event and applies it itself (RelayStore::record_send).
      DeliveryStatusRepository::serialise_metriport_id(tx_, report.metriport_message_id);
      send = DeliveryStatusRepository::lock_send(tx_, report.metriport_message_id);
    }
    if (!send) return ApplyOutcome::waiting;
    if (send->status == "completed" || send->status == "failed") return ApplyOutcome::unchanged;
    DeliveryStatusRepository::set_send_outcome(tx_, send->send_id, report.status, report.reason,
                                               report.completed_at);
    append_audit_event(
        tx_, {actor_, "delivery", std::to_string(send->delivery_id),
              report.status == "completed" ? "delivery.send_completed" : "delivery.send_failed",
              rules_.send_audit_detail(send->part, send->parts, report.metriport_message_id)});
    settle(send->delivery_id);
    return ApplyOutcome::applied;
  }

  void settle(std::int64_t delivery_id) {
    const auto delivery = DeliveryStatusRepository::lock_delivery(tx_, delivery_id);
    if (!delivery || delivery->state != "accepted") return;  // not every part sent yet
    const auto outcomes = DeliveryStatusRepository::send_outcomes(tx_, delivery_id);
    SettlementFacts facts;
    facts.delivery_id = delivery_id;
    facts.attempts = delivery->attempts;
    facts.actor = actor_;
    bool all_completed = !outcomes.empty();
    for (const auto& outcome : outcomes) {
      if (outcome.status == "failed" && !facts.failed) {
        facts.failed = true;
        // last_error only: Metriport's text never goes to the audit.
        facts.failure_reason = outcome.reason.value_or("Metriport reported the delivery failed");
      }
      all_completed = all_completed && outcome.status == "completed";
    }
    if (!facts.failed && !all_completed) return;
    const auto change = rules_.settlement(facts);
    if (!change) return;

    DeliveryStatusRepository::lock_message(tx_, delivery->message_id);
    if (!DeliveryRepository::apply(tx_, *change)) return;
    if (facts.failed) {
      log::warn("relay.delivery_failed", {{"delivery_id", std::to_string(delivery_id)}});
      return;
    }
    if (const auto queued_for =
            DeliveryStatusRepository::mark_message_sent_if_complete(tx_, delivery->message_id)) {
      settled_.intake_to_sent_seconds.push_back(*queued_for);
      append_audit_event(tx_, {actor_, "message", delivery->message_id, "message.sent", "{}"});
      log::info("message.sent", {{"message_id", delivery->message_id}});
    }
  }

  // message.status is applied; other types are recorded as not applicable. Waiting events stay
  // unapplied.
  void apply_event(const UnappliedWebhook& event) {
    if (event.event_type != "message.status") return mark_applied(event.id, "recorded");
    // The status as validated at the door, from the event's columns (stored before schema 0008
    // and not readable back from its payload: none, set aside).
    if (!event.status) return mark_applied(event.id, "unreadable");
    const StatusReport report{event.status->metriport_message_id, event.status->status,
                              event.status->completed_at, event.status->reason};
    const auto outcome = apply_status(report);
    if (outcome == ApplyOutcome::waiting) {
      WebhookRepository::mark_waiting(tx_, event.id);
      settled_.webhook_outcomes.emplace_back(to_text(outcome));
      return;
    }
    mark_applied(event.id, to_text(outcome));
  }

 private:
  void mark_applied(std::int64_t event_id, std::string_view outcome) {
    WebhookRepository::mark_applied(tx_, event_id, std::string(outcome));
    settled_.webhook_outcomes.emplace_back(outcome);
  }

  pqxx::work& tx_;
  const SettlementRules& rules_;
  const std::string& actor_;
  Settlements& settled_;
};

}  // namespace

std::string_view to_text(ApplyOutcome outcome) {
  switch (outcome) {
    case ApplyOutcome::applied:
      return "applied";
    case ApplyOutcome::unchanged:
      return "unchanged";
    case ApplyOutcome::waiting:
      return "waiting";
  }
  return "unknown";
}

SettlementStore::SettlementStore(ConnectionPool& pool, const SettlementRules& rules)
    : pool_(pool), rules_(rules) {}

boost::asio::awaitable<Settlements> SettlementStore::apply_status(const StatusReport& report,
                                                                  const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    Settlements settled;
    Settler(tx, rules_, actor, settled).apply_status(report);
    tx.commit();
    return settled;
  });
}

boost::asio::awaitable<Settlements> SettlementStore::settle(std::int64_t delivery_id,
                                                            const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    Settlements settled;
    Settler(tx, rules_, actor, settled).settle(delivery_id);
    tx.commit();
    return settled;
  });
}

boost::asio::awaitable<Settlements> SettlementStore::apply_events_waiting_for(
    const std::string& metriport_message_id, const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    Settlements settled;
    Settler settler(tx, rules_, actor, settled);
    // FOR UPDATE: an applier marking one of these events 'waiting' right now is waited for, and
    // the event read again after it.
    for (const auto& event : WebhookRepository::lock_events_for_message(tx, metriport_message_id)) {
      settler.apply_event(event);
    }
    tx.commit();
    return settled;
  });
}

// One event per transaction: no two events' row locks are ever held together.
boost::asio::awaitable<std::optional<Settlements>> SettlementStore::apply_next_event(
    bool waiting, const std::string& actor) {
  co_return co_await pool_.run([&](pqxx::connection& connection) -> std::optional<Settlements> {
    std::optional<UnappliedWebhook> event;
    try {
      pqxx::work tx(connection);
      const auto events = waiting ? WebhookRepository::lock_waiting_events(tx, 1)
                                  : WebhookRepository::lock_new_events(tx, 1);
      if (events.empty()) return std::nullopt;
      event = events.front();
      Settlements settled;
      Settler(tx, rules_, actor, settled).apply_event(*event);
      tx.commit();
      return settled;
    } catch (const pqxx::data_exception& error) {
      if (!event) throw;
      log::error("relay.webhook_unapplicable",
                 {{"webhook_event_id", std::to_string(event->id)}, {"sqlstate", error.sqlstate()}});
      pqxx::work tx(connection);
      WebhookRepository::mark_applied(tx, event->id, "unapplicable");
      tx.commit();
      Settlements settled;
      settled.webhook_outcomes.emplace_back("unapplicable");
      return settled;
    }
  });
}

boost::asio::awaitable<std::vector<std::int64_t>> SettlementStore::flag_unconfirmed(
    int age_seconds, const std::string& actor, const std::string& audit_detail_json) {
  co_return co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    auto flagged = DeliveryStatusRepository::flag_unconfirmed(tx, age_seconds);
    for (const auto id : flagged) {
      append_audit_event(
          tx, {actor, "delivery", std::to_string(id), "delivery.unconfirmed", audit_detail_json});
    }
    tx.commit();
    return flagged;
  });
}

boost::asio::awaitable<std::vector<std::int64_t>> SettlementStore::take_unconfirmed(int age_seconds,
                                                                                    int limit) {
  co_return co_await pool_.run([age_seconds, limit](pqxx::connection& connection) {
    pqxx::work tx(connection);
    auto ids = DeliveryStatusRepository::take_unconfirmed(tx, age_seconds, limit);
    tx.commit();
    return ids;
  });
}

boost::asio::awaitable<std::vector<std::string>> SettlementStore::processing_message_ids(
    std::int64_t delivery_id) {
  co_return co_await pool_.run([delivery_id](pqxx::connection& connection) {
    pqxx::work tx(connection);
    auto ids = DeliveryStatusRepository::processing_message_ids(tx, delivery_id);
    tx.commit();
    return ids;
  });
}

}  // namespace relay::pg
