// DeliveryProcessor: the I/O around the pure relay rules. Each Metriport call's outcome becomes one
// state-machine event; ids are stored before the next call needs them, and every send is fenced by
// a durable record before it and one after it (the common path's only flushed commits).
#include "gateway/relay/delivery_processor.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <random>
#include <set>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/postgres/outage.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/delivery_change.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/earlier_send_match.hpp"
#include "gateway/relay/failure_class.hpp"
#include "gateway/relay/settlement_rules.hpp"

namespace relay::engine {

namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;

constexpr std::string_view patient_unknown_reason =
    "patient not found in Metriport: no patient has this portal ExternalId";
// How far back before the first attempt an earlier send may be dated (clock skew with Metriport).
constexpr std::int64_t earlier_send_skew_micros = 5LL * 60 * 1'000'000;

std::string id_text(std::int64_t id) {
  return std::to_string(id);
}

const pg::DeliveryDocumentRow* find_document(const pg::ClaimedDelivery& delivery,
                                             const DocumentKey& key) {
  for (const auto& document : delivery.documents) {
    if (document.attachment_id == key.attachment_id) return &document;
  }
  return nullptr;
}

const pg::DeliveryAttachment* find_attachment(const pg::ClaimedDelivery& delivery,
                                              std::int64_t attachment_id) {
  for (const auto& attachment : delivery.attachments) {
    if (attachment.id == attachment_id) return &attachment;
  }
  return nullptr;
}

bool is_settled_send(const pg::DeliverySendRow& send) {
  return is_settled(send.status);
}

// Full-jitter draws; one generator per thread (workers run on several I/O threads).
double unit_random() {
  thread_local std::mt19937_64 generator(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

bool all_settled(const pg::ClaimedDelivery& delivery) {
  return std::all_of(delivery.sends.begin(), delivery.sends.end(), is_settled_send);
}

awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  timer.expires_after(duration);
  co_await timer.async_wait(use_awaitable);
}

// A log-safe reason for a failed delivery step: the kind of database outage (a failover, a
// restart: the lease reaper requeues the delivery), else "fault"; never the exception's text.
std::string failure_reason(const std::exception& failure) {
  if (auto outage = pg::outage_reason(failure)) return *outage;
  return "fault";
}

}  // namespace

DeliveryProcessor::DeliveryProcessor(pg::RelayStore& store, pg::SettlementStore& settlements,
                                     metriport::MetriportClient& client, SharedPacer& pacer,
                                     PauseGate& pauses, ProcessorSettings settings,
                                     const std::atomic<bool>& stopping,
                                     metrics::RelayMetrics& metrics)
    : store_(store),
      settlements_(settlements),
      client_(client),
      pacer_(pacer),
      pauses_(pauses),
      settings_(std::move(settings)),
      stopping_(stopping),
      metrics_(metrics) {}

awaitable<void> DeliveryProcessor::process(pg::ClaimedDelivery& delivery) {
  bool failed = false;
  try {
    co_await run_steps(delivery);
  } catch (const std::exception& failure) {
    log::error("relay.delivery_error",
               {{"delivery_id", id_text(delivery.id)}, {"reason", failure_reason(failure)}});
    failed = true;
  }
  if (!failed) co_return;
  try {
    const Failure failure = plain_failure(DeliveryEvent::transient_failure, failure_class::internal,
                                          "internal error while relaying (see the gateway log)");
    co_await fail(delivery, failure);
  } catch (const std::exception& failure) {
    log::error("relay.delivery_release_failed",
               {{"delivery_id", id_text(delivery.id)}, {"reason", failure_reason(failure)}});
  }
}

awaitable<void> DeliveryProcessor::hand_back(pg::ClaimedDelivery& delivery) {
  try {
    Failure failure = plain_failure(DeliveryEvent::rate_limited, failure_class::shutdown,
                                    "handed back unstarted at shutdown");
    failure.retry_after = std::chrono::milliseconds(0);  // claimable again at once
    co_await fail(delivery, failure);
  } catch (const std::exception& failure) {
    log::error("relay.delivery_release_failed",
               {{"delivery_id", id_text(delivery.id)}, {"reason", failure_reason(failure)}});
  }
}

awaitable<bool> DeliveryProcessor::run_steps(pg::ClaimedDelivery& delivery) {
  if (!co_await resolve_patient(delivery)) co_return false;

  std::vector<PlannedAttachment> attachments;
  for (const auto& attachment : delivery.attachments) {
    attachments.push_back({attachment.id, attachment.file_name});
  }
  const SendPlan plan = plan_sends(delivery.relay_subject, delivery.relay_body, attachments);
  if (plan.sends.empty()) {
    const Failure failure =
        plain_failure(DeliveryEvent::permanent_failure, failure_class::nothing_to_send,
                      "the message has neither body nor attachments");
    co_return co_await fail(delivery, failure);
  }
  // The parts' rows are made with the first send's record (until then none is in doubt).
  if (delivery.sends.empty()) delivery.pending.ensure_parts = static_cast<int>(plan.sends.size());
  if (!co_await upload_documents(delivery, plan)) co_return false;
  if (!co_await move(delivery, DeliveryEvent::documents_ready)) co_return false;
  for (const auto& part : plan.sends) {
    if (!co_await send_part(delivery, part)) co_return false;
  }
  // Every part settled (possibly by an earlier claim that recorded the last id): accepted.
  if (delivery.state == DeliveryState::sending && all_settled(delivery)) co_await accept(delivery);
  co_return true;
}

awaitable<bool> DeliveryProcessor::resolve_patient(pg::ClaimedDelivery& delivery) {
  // The claim read the patient's id from the delivery or a fresh patient_cache entry.
  bool fetched = false;
  if (!delivery.metriport_patient_id) {
    const auto found = co_await client_.find_patient_by_external_id(delivery.patient_external_id);
    if (found.is_not_found()) {
      const Failure failure =
          plain_failure(DeliveryEvent::permanent_failure, failure_class::patient_not_found,
                        std::string(patient_unknown_reason));
      co_return co_await fail(delivery, failure);
    }
    if (found.outcome != metriport::CallOutcome::success) {
      const Failure failure = failure_of(found, "patient lookup");
      co_return co_await fail(delivery, failure);
    }
    delivery.metriport_patient_id = found.value->id;
    fetched = true;
  }
  delivery.pending.metriport_patient_id = delivery.metriport_patient_id;
  delivery.pending.cache_patient = fetched;
  delivery.pending.patient_external_id = delivery.patient_external_id;
  co_return co_await move(delivery, DeliveryEvent::patient_resolved);
}

awaitable<bool> DeliveryProcessor::upload_documents(pg::ClaimedDelivery& delivery,
                                                    const SendPlan& plan) {
  for (const auto& part : plan.sends) {
    const auto send = std::find_if(delivery.sends.begin(), delivery.sends.end(),
                                   [&](const auto& row) { return row.part == part.part; });
    // Documents of parts already sent (or whose send is in doubt) were uploaded before that send.
    if (send != delivery.sends.end() && send->status != SendStatus::pending) continue;
    for (const auto& key : part.documents) {
      const auto* existing = find_document(delivery, key);
      if (existing != nullptr && existing->uploaded) continue;
      if (!co_await renew_lease(delivery)) co_return false;
      if (!co_await upload_document(delivery, key)) co_return false;
    }
  }
  co_return true;
}

awaitable<bool> DeliveryProcessor::upload_document(pg::ClaimedDelivery& delivery,
                                                   const DocumentKey& key) {
  metriport::DocumentReferenceRequest reference;
  std::string content;
  if (key.attachment_id) {
    const auto* attachment = find_attachment(delivery, *key.attachment_id);
    if (attachment == nullptr) {
      const Failure failure =
          plain_failure(DeliveryEvent::permanent_failure, failure_class::attachment_missing,
                        "planned attachment is missing from the message");
      co_return co_await fail(delivery, failure);
    }
    const std::int64_t attachment_id = attachment->id;
    content = co_await store_.attachment_content(attachment_id);
    reference = {attachment->file_name, attachment->content_type,
                 static_cast<std::uint64_t>(content.size()), attachment->file_name};
  } else {
    content = delivery.relay_body.value_or("");
    reference = {std::string(full_body_file_name()), std::string(full_body_content_type()),
                 static_cast<std::uint64_t>(content.size()), "Full text of the secure message"};
  }
  // An upload URL lives 3 minutes: when the PUT finds it expired, one fresh reference is made.
  for (int round = 0; round < 2; ++round) {
    const auto created =
        co_await client_.create_document_reference(*delivery.metriport_patient_id, reference);
    if (created.outcome != metriport::CallOutcome::success) {
      const Failure failure = failure_of(created, "document reference");
      co_return co_await fail(delivery, failure);
    }
    const std::string document_id = created.value->document_reference_id;
    co_await store_.record_document(delivery.id, key.attachment_id, document_id);
    const auto put =
        co_await client_.put_document(created.value->upload_url, reference.content_type, content);
    if (put.outcome == metriport::CallOutcome::success) {
      delivery.documents =
          co_await store_.mark_document_uploaded(delivery.id, key.attachment_id, document_id);
      co_return true;
    }
    const bool expired = put.reason.rfind("upload URL expired", 0) == 0;
    if (!expired || round == 1) {
      const Failure failure = failure_of(put, "upload");
      co_return co_await fail(delivery, failure);
    }
  }
  co_return false;
}

metriport::SendRequest DeliveryProcessor::request_for(const pg::ClaimedDelivery& delivery,
                                                      const PlannedSend& part) const {
  metriport::SendRequest request;
  request.patient_id = *delivery.metriport_patient_id;
  request.destination = delivery.destination;
  request.subject = part.subject;
  request.body = part.body;
  request.intended_recipient_npi = delivery.intended_recipient_npi;
  for (const auto& key : part.documents) {
    const auto* document = find_document(delivery, key);
    if (document != nullptr) request.attachments.push_back(document->metriport_document_id);
  }
  return request;
}

awaitable<bool> DeliveryProcessor::send_part(pg::ClaimedDelivery& delivery,
                                             const PlannedSend& part) {
  const auto row = std::find_if(delivery.sends.begin(), delivery.sends.end(),
                                [&](const auto& send) { return send.part == part.part; });
  // No row yet: the parts are made with this send's record (pending.ensure_parts).
  if (row == delivery.sends.end() && !delivery.pending.ensure_parts) {
    throw std::logic_error("planned part has no delivery_sends row");
  }
  if (row != delivery.sends.end() && is_settled_send(*row)) co_return true;
  const metriport::SendRequest request = request_for(delivery, part);

  // An earlier attempt was written but its answer never came: Metriport may have it. The part
  // stays 'sending' (in doubt) until an id is recorded, so every later attempt looks first.
  if (row != delivery.sends.end() && row->status == SendStatus::sending) {
    const pg::DeliverySendRow send = *row;
    if (!co_await store_pending(delivery)) co_return false;
    const auto earlier = co_await find_earlier_send(delivery, send, request);
    if (!earlier) co_return false;  // the lookup failed; the failure is recorded
    if (!earlier->empty()) co_return co_await record_accepted(delivery, send, *earlier, true);
  }
  const bool in_doubt = row != delivery.sends.end() && row->status == SendStatus::sending;

  const auto slot = co_await wait_for_send_slot(delivery);
  if (!slot) co_return false;
  const auto answer = co_await make_send(delivery, part.part, request, *slot);
  if (!answer) co_return false;  // the lease was lost before anything was written
  const auto sent = std::find_if(delivery.sends.begin(), delivery.sends.end(),
                                 [&](const auto& send) { return send.part == part.part; });
  if (sent == delivery.sends.end()) throw std::logic_error("sent part has no delivery_sends row");
  const pg::DeliverySendRow send = *sent;
  if (answer->outcome == metriport::CallOutcome::success) {
    // The id first (it is a fact whatever else fails), then the pacer.
    const bool recorded = co_await record_accepted(delivery, send, answer->value->id, false);
    co_await report_to_pacer(*slot, *answer);
    co_return recorded;
  }
  co_await report_to_pacer(*slot, *answer);
  if (answer->outcome != metriport::CallOutcome::ambiguous && !in_doubt) {
    // Refused or never written, and no earlier attempt is in doubt: pending again.
    co_await store_.mark_send_pending(delivery.id, send.id, delivery.lease_token);
  }
  auto failure = failure_of(*answer, "send");
  if (answer->outcome == metriport::CallOutcome::ambiguous) {
    const auto settle =
        std::chrono::duration_cast<std::chrono::milliseconds>(settings_.ambiguous_settle);
    failure.retry_after = std::max(failure.retry_after.value_or(settle), settle);
  }
  co_return co_await fail(delivery, failure);
}

awaitable<bool> DeliveryProcessor::store_pending(pg::ClaimedDelivery& delivery) {
  if (delivery.pending.empty()) co_return true;
  const bool stored = co_await store_.apply(delivery, nullptr, pg::Durability::unflushed);
  if (!stored) log::warn("relay.lease_lost", {{"delivery_id", id_text(delivery.id)}});
  co_return stored;
}

awaitable<std::optional<metriport::CallResult<metriport::MessageRecord>>>
DeliveryProcessor::make_send(pg::ClaimedDelivery& delivery, int part,
                             const metriport::SendRequest& request, const SendSlot& slot) {
  // From the grant on, the pacer hears exactly once how the send ended, whatever throws.
  std::exception_ptr broken;  // rethrown as it is, so an outage stays recognisable as one
  std::optional<metriport::CallResult<metriport::MessageRecord>> answer;
  try {
    const int parts = delivery.pending.ensure_parts.value_or(
        delivery.sends.empty() ? 1 : delivery.sends.front().parts);
    pg::SendStart start;
    start.delivery_id = delivery.id;
    start.lease_token = delivery.lease_token;
    start.lease = settings_.lease;
    start.part = part;
    start.actor = "relay:" + settings_.instance;
    start.audit_detail_json = send_audit_detail(part, parts, "");
    // The durable record before the send, with every step taken since the claim.
    auto sends = co_await store_.start_send(delivery, start);
    if (sends) {
      delivery.sends = std::move(*sends);
      delivery.lease_renewed_at = std::chrono::steady_clock::now();
      answer = co_await client_.send_message(request);
    }
  } catch (...) {
    broken = std::current_exception();
  }
  if (!answer) {
    co_await pacer_.unanswered(slot);
    if (broken) std::rethrow_exception(broken);
    log::warn("relay.lease_lost", {{"delivery_id", id_text(delivery.id)}});
  }
  co_return answer;
}

awaitable<void> DeliveryProcessor::report_to_pacer(
    const SendSlot& slot, const metriport::CallResult<metriport::MessageRecord>& answer) {
  const auto& limits = answer.rate_limit;
  if (answer.outcome == metriport::CallOutcome::rate_limited) {
    co_await pacer_.rate_limited(slot, answer.retry_after);
  } else if (answer.http_status != 0) {
    std::optional<std::int64_t> reset;
    if (limits.reset) reset = limits.reset->count();
    co_await pacer_.answered(slot, limits.limit, limits.remaining, reset);
  } else {
    co_await pacer_.unanswered(slot);
  }
}

awaitable<std::optional<std::string>> DeliveryProcessor::find_earlier_send(
    pg::ClaimedDelivery& delivery, const pg::DeliverySendRow& send,
    const metriport::SendRequest& request) {
  metriport::MessageListFilter filter;
  filter.patient_id = request.patient_id;
  filter.destination = request.destination;
  const auto listed = co_await client_.list_messages(filter, 100);
  if (listed.outcome != metriport::CallOutcome::success) {
    auto failure = failure_of(listed, "earlier send lookup");
    // A failed lookup proves nothing: retry later, never resend blindly.
    if (failure.event == DeliveryEvent::ambiguous_outcome) {
      failure.event = DeliveryEvent::transient_failure;
    }
    co_await fail(delivery, failure);
    std::optional<std::string> none;
    co_return none;
  }
  std::vector<SentCandidate> candidates;
  for (const auto& message : *listed.value) {
    SentCandidate candidate;
    candidate.id = message.id;
    candidate.subject = message.subject;
    candidate.destination = message.destination;
    candidate.body = message.body;
    candidate.attachments = message.attachments;
    if (message.sent_at) candidate.sent_at = domain::parse_portal_timestamp(*message.sent_at);
    candidates.push_back(std::move(candidate));
  }
  ExpectedSend expected;
  expected.subject = request.subject;
  expected.destination = request.destination;
  expected.body = request.body;
  expected.attachments = request.attachments;
  const std::int64_t started = send.first_attempt_at.value_or(0);
  // One result variable and one co_return: GCC 12 mis-destroys converted co_return operands.
  std::optional<std::string> found = std::string();
  std::set<std::string> known;
  for (;;) {
    std::optional<std::string> match =
        pick_earlier_send(candidates, expected, started, earlier_send_skew_micros, known);
    if (!match) break;
    // Captured by reference: GCC 12 destroys a by-value capture of a lambda awaited inside a loop
    // twice (a double free); a frame variable outlives the await either way.
    const std::string& candidate = *match;
    const bool taken = co_await store_.is_known_message_id(candidate);
    if (!taken) {
      log::info("relay.earlier_send_found",
                {{"delivery_id", id_text(delivery.id)}, {"metriport_message_id", *match}});
      found = std::move(match);
      break;
    }
    known.insert(*match);
  }
  co_return found;
}

awaitable<bool> DeliveryProcessor::renew_lease(pg::ClaimedDelivery& delivery) {
  const bool kept =
      co_await store_.extend_lease(delivery.id, delivery.lease_token, settings_.lease);
  if (!kept) {
    log::warn("relay.lease_lost", {{"delivery_id", id_text(delivery.id)}});
    co_return false;
  }
  delivery.lease_renewed_at = std::chrono::steady_clock::now();
  co_return true;
}

awaitable<std::optional<SendSlot>> DeliveryProcessor::wait_for_send_slot(
    pg::ClaimedDelivery& delivery) {
  std::optional<SendSlot> granted;
  const auto started = std::chrono::steady_clock::now();
  for (;;) {
    // A named result: GCC 12 destroys the awaited frame too early for `if (co_await ...)`.
    const bool handed_back = co_await hand_back_if_paused(delivery);
    if (handed_back) break;
    const SendSlot slot = co_await pacer_.reserve();
    if (slot.granted) {
      // A slot of a block has its own time: sent from then, within its grace, or given back.
      const auto early = slot.not_before_micros - domain::now_epoch_micros();
      if (early > 0) co_await sleep_for(std::chrono::milliseconds((early + 999) / 1000));
      if (domain::now_epoch_micros() >= slot.usable_until_micros) {
        co_await pacer_.unanswered(slot);
        continue;
      }
      granted = slot;
      metrics_.observe_pacer_wait(std::chrono::steady_clock::now() - started);
      break;
    }
    const auto wait = std::chrono::microseconds(
        std::max<std::int64_t>(0, slot.not_before_micros - domain::now_epoch_micros()));
    if (stopping_) {
      // Shutting down: hand the delivery back for whoever runs next, with no attempt counted.
      Failure failure = plain_failure(DeliveryEvent::rate_limited, failure_class::shutdown,
                                      "waiting for a send slot at shutdown");
      failure.retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(wait);
      co_await fail(delivery, failure);
      break;
    }
    // Keep the lease while the backlog waits its turn.
    if (std::chrono::steady_clock::now() - delivery.lease_renewed_at > settings_.lease / 3) {
      if (!co_await renew_lease(delivery)) break;
    }
    co_await sleep_for(std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(wait),
                                  std::chrono::milliseconds(1), std::chrono::milliseconds(1000)));
  }
  co_return granted;
}

awaitable<bool> DeliveryProcessor::hand_back_if_paused(pg::ClaimedDelivery& delivery) {
  const std::int64_t vendor_id = delivery.vendor_id;
  const bool paused = co_await pauses_.is_paused(vendor_id);
  if (!paused) co_return false;
  co_await move(delivery, DeliveryEvent::paused);
  log::info("relay.delivery_paused", {{"delivery_id", id_text(delivery.id)},
                                      {"vendor_id", std::to_string(delivery.vendor_id)}});
  co_return true;
}

awaitable<bool> DeliveryProcessor::record_accepted(pg::ClaimedDelivery& delivery,
                                                   const pg::DeliverySendRow& send,
                                                   const std::string& answered_id, bool adopted) {
  // Webhooks name ids in lower case (UUIDs); the answer's id is stored the same way.
  std::string metriport_message_id = answered_id;
  for (char& c : metriport_message_id)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& other : delivery.sends) {
    if (other.id == send.id) {
      other.status = SendStatus::processing;
      other.metriport_message_id = metriport_message_id;
    }
  }
  // The id is recorded whoever holds the lease now: Metriport has that message either way. When
  // it was the last part, the move to accepted is in the same commit.
  pg::SendRecord record;
  record.delivery_id = delivery.id;
  record.send_id = send.id;
  record.metriport_message_id = metriport_message_id;
  record.actor = "relay:" + settings_.instance;
  record.audit_event = adopted ? "delivery.send_adopted" : "delivery.send_recorded";
  record.audit_detail_json = send_audit_detail(send.part, send.parts, metriport_message_id);
  const Transition acceptance = next(delivery.state, DeliveryEvent::send_accepted,
                                     {delivery.attempts, settings_.retry.max_attempts});
  if (acceptance.allowed && all_settled(delivery)) {
    record.accept = change_for(delivery, delivery.state, acceptance, nullptr);
  }
  const pg::SendRecorded recorded = co_await store_.record_send(record);
  if (!recorded.recorded) {
    log::warn("relay.send_already_settled", {{"delivery_id", id_text(delivery.id)},
                                             {"metriport_message_id", metriport_message_id}});
    co_return false;
  }
  if (recorded.accepted) {
    delivery.state = acceptance.to;
  }
  // A webhook that beat this answer waits for the id: applied now.
  if (recorded.webhooks_waiting) {
    const auto settled =
        co_await settlements_.apply_events_waiting_for(metriport_message_id, webhook_actor);
    report(settled, metrics_);
  } else if (recorded.settle_now) {
    co_await settle(delivery);
  }
  if (!recorded.accepted && all_settled(delivery)) co_await accept(delivery);
  co_return true;
}

awaitable<void> DeliveryProcessor::accept(pg::ClaimedDelivery& delivery) {
  if (!co_await move(delivery, DeliveryEvent::send_accepted) &&
      delivery.state != DeliveryState::accepted) {
    co_return;
  }
  // Webhooks may have confirmed every part already: completed (and the message Sent) at once.
  co_await settle(delivery);
}

awaitable<void> DeliveryProcessor::settle(pg::ClaimedDelivery& delivery) {
  const auto settled = co_await settlements_.settle(delivery.id, webhook_actor);
  report(settled, metrics_);
}

pg::DeliveryChange DeliveryProcessor::change_for(const pg::ClaimedDelivery& delivery,
                                                 DeliveryState from, const Transition& transition,
                                                 const Failure* failure) const {
  ChangeContext context;
  context.delivery_id = delivery.id;
  context.from = from;
  context.attempts = delivery.attempts;
  context.lease_token = delivery.lease_token;
  context.lease_length = settings_.lease;
  context.actor = "relay:" + settings_.instance;
  if (failure != nullptr) {
    context.reason = failure->reason;
    context.summary = failure->summary;
    context.failure_class = failure->failure_class;
  }
  if (transition.actions.schedule_retry) {
    const auto retry_after =
        failure != nullptr ? failure->retry_after : std::optional<std::chrono::milliseconds>();
    const auto delay = retry_delay(std::max(attempts_after(transition, delivery.attempts), 1),
                                   settings_.retry, unit_random(), retry_after);
    context.retry_delay = std::chrono::duration_cast<std::chrono::microseconds>(delay);
  }
  return build_change(transition, context);
}

awaitable<bool> DeliveryProcessor::move(pg::ClaimedDelivery& delivery, DeliveryEvent event,
                                        const Failure* failure) {
  const DeliveryState from = delivery.state;
  const Transition transition =
      next(from, event, {delivery.attempts, settings_.retry.max_attempts});
  if (!transition.allowed) {
    log::error("relay.transition_refused",
               {{"delivery_id", id_text(delivery.id)}, {"state", std::string(to_text(from))}});
    co_return false;
  }
  pg::DeliveryChange change = change_for(delivery, from, transition, failure);
  const int attempts = attempts_after(transition, delivery.attempts);
  const bool in_flight_step = is_in_flight(transition.to);
  const bool deferred = in_flight_step && (event == DeliveryEvent::patient_resolved ||
                                           event == DeliveryEvent::documents_ready);
  if (deferred) {
    delivery.pending.changes.push_back(std::move(change));
  } else {
    const auto durability = in_flight_step ? pg::Durability::unflushed : pg::Durability::flushed;
    const bool applied = co_await store_.apply(delivery, &change, durability);
    if (!applied) {
      log::warn("relay.lease_lost", {{"delivery_id", id_text(delivery.id)}});
      co_return false;
    }
  }
  if (transition.to == DeliveryState::dead || transition.to == DeliveryState::retry_wait) {
    const auto summary =
        failure != nullptr ? recorded_summary(transition, failure->summary) : std::nullopt;
    log::info(transition.to == DeliveryState::dead ? "relay.delivery_dead" : "relay.delivery_retry",
              {{"delivery_id", id_text(delivery.id)},
               {"attempts", std::to_string(attempts)},
               {"reason", summary.value_or("")}});
  }
  delivery.state = transition.to;
  delivery.attempts = attempts;
  if (in_flight_step && !deferred) delivery.lease_renewed_at = std::chrono::steady_clock::now();
  co_return in_flight_step;
}

awaitable<bool> DeliveryProcessor::fail(pg::ClaimedDelivery& delivery, const Failure& failure) {
  co_await move(delivery, failure.event, &failure);
  co_return false;
}

DeliveryProcessor::Failure DeliveryProcessor::plain_failure(DeliveryEvent event,
                                                            std::string_view failure_class_name,
                                                            std::string reason) {
  Failure failure{event, reason, std::move(reason), std::nullopt, failure_class_name};
  return failure;
}

template <class T>
DeliveryProcessor::Failure DeliveryProcessor::failure_of(const metriport::CallResult<T>& result,
                                                         std::string_view step) {
  Failure failure{
      DeliveryEvent::transient_failure, std::string(step) + ": " + result.reason,
      std::string(step) + ": " + std::string(metriport::to_string(result.outcome)) +
          (result.http_status != 0 ? " (HTTP " + std::to_string(result.http_status) + ")"
                                   : std::string(" (no answer)")),
      result.retry_after, metriport::to_string(result.outcome)};
  switch (result.outcome) {
    case metriport::CallOutcome::rate_limited:
      failure.event = DeliveryEvent::rate_limited;
      break;
    case metriport::CallOutcome::permanent:
      failure.event = DeliveryEvent::permanent_failure;
      break;
    case metriport::CallOutcome::ambiguous:
      failure.event = DeliveryEvent::ambiguous_outcome;
      break;
    case metriport::CallOutcome::success:
    case metriport::CallOutcome::transient:
      break;
  }
  return failure;
}

}  // namespace relay::engine
