// Relays one claimed delivery to Metriport: resolve the patient, upload its documents once, send
// each planned part through the pacer, record Metriport's ids; every step is a guarded transition,
// and the steps before a send are stored with the send's own durable record (one commit).
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/metriport/metriport_client.hpp"
#include "adapters/postgres/delivery_records.hpp"
#include "adapters/postgres/relay_store.hpp"
#include "adapters/postgres/settlement_store.hpp"
#include "gateway/metrics/relay_metrics.hpp"
#include "gateway/relay/delivery_state_machine.hpp"
#include "gateway/relay/pause_gate.hpp"
#include "gateway/relay/retry_backoff.hpp"
#include "gateway/relay/send_plan.hpp"
#include "gateway/relay/shared_pacer.hpp"

namespace relay::engine {

struct ProcessorSettings {
  std::string instance;  // this process's name (audit actor); each claim has its own lease token
  std::chrono::seconds lease{300};
  RetryPolicy retry;
  std::chrono::seconds patient_cache_ttl{86400};
  // After an ambiguous send, how long before Metriport's list is trusted to show it (a request
  // that timed out on our side may still be committed on Metriport's a little later).
  std::chrono::seconds ambiguous_settle{60};
};

class DeliveryProcessor {
 public:
  // metrics hears of pacer waits and of messages turning Sent; it must outlive the processor.
  // settlements applies webhooks that came before the send's answer and settles accepted
  // deliveries; every other database step goes through store.
  DeliveryProcessor(pg::RelayStore& store, pg::SettlementStore& settlements,
                    metriport::MetriportClient& client, SharedPacer& pacer, PauseGate& pauses,
                    ProcessorSettings settings, const std::atomic<bool>& stopping,
                    metrics::RelayMetrics& metrics);

  // Runs the delivery as far as it can go now. Never throws: an unexpected error is recorded as a
  // transient failure of the delivery (and logged with its id).
  boost::asio::awaitable<void> process(pg::ClaimedDelivery& delivery);

  // Hands back a claimed delivery this process will not work on (shutting down): to retry_wait at
  // once, no attempt counted.
  boost::asio::awaitable<void> hand_back(pg::ClaimedDelivery& delivery);

 private:
  // reason goes to deliveries.last_error (operators); summary (step, outcome, HTTP status, never
  // Metriport's free text, which could echo a value) goes to logs and audit events; failure_class
  // (failure_class.hpp) goes to audit events, where the operations summary counts it.
  struct Failure {
    DeliveryEvent event;
    std::string reason;
    std::string summary;
    std::optional<std::chrono::milliseconds> retry_after;
    std::string_view failure_class;
  };

  boost::asio::awaitable<bool> run_steps(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<bool> resolve_patient(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<bool> upload_documents(pg::ClaimedDelivery& delivery,
                                                const SendPlan& plan);
  boost::asio::awaitable<bool> upload_document(pg::ClaimedDelivery& delivery,
                                               const DocumentKey& key);
  boost::asio::awaitable<bool> send_part(pg::ClaimedDelivery& delivery, const PlannedSend& part);
  // Stores the steps taken in memory (an unflushed commit), before a path that needs them stored.
  boost::asio::awaitable<bool> store_pending(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<std::optional<std::string>> find_earlier_send(
      pg::ClaimedDelivery& delivery, const pg::DeliverySendRow& send,
      const metriport::SendRequest& request);
  // A granted slot, or nullopt when the delivery was handed back (shutdown, a pause, lease lost).
  // The pauses are looked at before every request for a slot, so no send starts once a pause is
  // in this process's view.
  boost::asio::awaitable<std::optional<SendSlot>> wait_for_send_slot(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<std::optional<metriport::CallResult<metriport::MessageRecord>>> make_send(
      pg::ClaimedDelivery& delivery, int part, const metriport::SendRequest& request,
      const SendSlot& slot);
  boost::asio::awaitable<void> report_to_pacer(
      const SendSlot& slot, const metriport::CallResult<metriport::MessageRecord>& answer);
  // Every part has its Metriport id: accepted, then settled at once if webhooks came first.
  boost::asio::awaitable<void> accept(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<void> settle(pg::ClaimedDelivery& delivery);
  // When a pause covers the delivery's vendor: hands it back to the queue (no attempt counted)
  // and answers true.
  boost::asio::awaitable<bool> hand_back_if_paused(pg::ClaimedDelivery& delivery);
  // Extends this claim's lease; false (logged) when another claim holds the delivery now.
  boost::asio::awaitable<bool> renew_lease(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<bool> record_accepted(pg::ClaimedDelivery& delivery,
                                               const pg::DeliverySendRow& send,
                                               const std::string& metriport_message_id,
                                               bool adopted);

  // Applies the state machine's transition for event and stores it (with the pending steps); false
  // when it is not allowed or the lease was lost (the caller stops working on the delivery). A
  // step between two in-flight states before the first send (patient resolved, documents ready)
  // is only added to the pending steps: stored with the next transaction.
  // GCC 12 can destroy a temporary argument of an awaited coroutine twice: callers pass named
  // Failure objects, by pointer or reference, never temporaries.
  boost::asio::awaitable<bool> move(pg::ClaimedDelivery& delivery, DeliveryEvent event,
                                    const Failure* failure = nullptr);
  boost::asio::awaitable<bool> fail(pg::ClaimedDelivery& delivery, const Failure& failure);
  static Failure plain_failure(DeliveryEvent event, std::string_view failure_class,
                               std::string reason);

  template <class T>
  static Failure failure_of(const metriport::CallResult<T>& result, std::string_view step);

  metriport::SendRequest request_for(const pg::ClaimedDelivery& delivery,
                                     const PlannedSend& part) const;
  // The change for an allowed transition of this delivery (failure may be null).
  pg::DeliveryChange change_for(const pg::ClaimedDelivery& delivery, DeliveryState from,
                                const Transition& transition, const Failure* failure) const;

  pg::RelayStore& store_;
  pg::SettlementStore& settlements_;
  metriport::MetriportClient& client_;
  SharedPacer& pacer_;
  PauseGate& pauses_;
  ProcessorSettings settings_;
  const std::atomic<bool>& stopping_;
  metrics::RelayMetrics& metrics_;
};

}  // namespace relay::engine
