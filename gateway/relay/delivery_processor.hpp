// Relays one claimed delivery to Metriport: resolve the patient, upload its documents once, send
// each planned part through the pacer, record Metriport's ids; every step is a guarded transition.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "adapters/metriport/metriport_client.hpp"
#include "adapters/postgres/connection_pool.hpp"
#include "adapters/postgres/delivery_records.hpp"
#include "gateway/relay/delivery_state_machine.hpp"
#include "gateway/relay/retry_backoff.hpp"
#include "gateway/relay/send_plan.hpp"
#include "gateway/relay/shared_pacer.hpp"

namespace relay::engine {

struct ProcessorSettings {
  std::string instance;  // this process's lease holder name
  std::chrono::seconds lease{120};
  RetryPolicy retry;
  std::chrono::seconds patient_cache_ttl{86400};
};

class DeliveryProcessor {
 public:
  DeliveryProcessor(pg::ConnectionPool& pool, metriport::MetriportClient& client,
                    SharedPacer& pacer, ProcessorSettings settings,
                    const std::atomic<bool>& stopping);

  // Runs the delivery as far as it can go now. Never throws: an unexpected error is recorded as a
  // transient failure of the delivery (and logged with its id).
  boost::asio::awaitable<void> process(pg::ClaimedDelivery delivery);

 private:
  struct Failure {
    DeliveryEvent event;
    std::string reason;
    std::optional<std::chrono::milliseconds> retry_after;
  };

  boost::asio::awaitable<bool> run_steps(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<bool> resolve_patient(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<bool> upload_documents(pg::ClaimedDelivery& delivery,
                                                const SendPlan& plan);
  boost::asio::awaitable<bool> upload_document(pg::ClaimedDelivery& delivery,
                                               const DocumentKey& key);
  boost::asio::awaitable<bool> send_part(pg::ClaimedDelivery& delivery, const PlannedSend& part);
  boost::asio::awaitable<std::optional<std::string>> find_earlier_send(
      pg::ClaimedDelivery& delivery, const pg::DeliverySendRow& send,
      const metriport::SendRequest& request);
  boost::asio::awaitable<bool> wait_for_send_slot(pg::ClaimedDelivery& delivery);
  boost::asio::awaitable<bool> record_accepted(pg::ClaimedDelivery& delivery,
                                               const pg::DeliverySendRow& send,
                                               const std::string& metriport_message_id,
                                               bool adopted);

  // Applies the state machine's transition for event and stores it; false when it is not allowed
  // or the lease was lost (the caller stops working on the delivery).
  boost::asio::awaitable<bool> move(pg::ClaimedDelivery& delivery, DeliveryEvent event,
                                    std::optional<std::string> reason = std::nullopt,
                                    std::optional<std::chrono::milliseconds> retry_after = {});
  boost::asio::awaitable<bool> fail(pg::ClaimedDelivery& delivery, Failure failure);

  template <class T>
  static Failure failure_of(const metriport::CallResult<T>& result, std::string_view step);

  metriport::SendRequest request_for(const pg::ClaimedDelivery& delivery,
                                     const PlannedSend& part) const;

  pg::ConnectionPool& pool_;
  metriport::MetriportClient& client_;
  SharedPacer& pacer_;
  ProcessorSettings settings_;
  const std::atomic<bool>& stopping_;
  std::mt19937_64 random_;
};

}  // namespace relay::engine
