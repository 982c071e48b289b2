// DeliveryProcessor: the I/O around the pure relay rules. Each Metriport call's outcome becomes one
// state-machine event; ids (patient, documents, messages) are stored before the next call needs
// them.
#include "gateway/relay/delivery_processor.hpp"

#include <algorithm>
#include <set>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/postgres/delivery_repository.hpp"
#include "adapters/postgres/message_repository.hpp"
#include "gateway/domain/json_string.hpp"
#include "gateway/domain/timestamps.hpp"
#include "gateway/log/log.hpp"
#include "gateway/relay/delivery_state.hpp"
#include "gateway/relay/earlier_send_match.hpp"

namespace relay::engine {

namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using pg::DeliveryRepository;

constexpr std::string_view patient_unknown_reason =
    "patient not found in Metriport: no patient has this portal ExternalId";
// How far back before the first attempt an earlier send may be dated (clock skew with Metriport).
constexpr std::int64_t earlier_send_skew_micros = 5LL * 60 * 1'000'000;

std::string id_text(std::int64_t id) {
  return std::to_string(id);
}

std::string audit_detail(std::string_view from, std::string_view to, int attempts,
                         const std::optional<std::string>& reason) {
  std::string json = "{\"from\":";
  domain::append_json_string(json, from);
  json += ",\"to\":";
  domain::append_json_string(json, to);
  json += ",\"attempts\":" + std::to_string(attempts);
  if (reason) {
    json += ",\"reason\":";
    domain::append_json_string(json, *reason);
  }
  json += "}";
  return json;
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
  return send.status == "processing" || send.status == "completed" || send.status == "failed";
}

awaitable<void> sleep_for(std::chrono::milliseconds duration) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  timer.expires_after(duration);
  co_await timer.async_wait(use_awaitable);
}

}  // namespace

DeliveryProcessor::DeliveryProcessor(pg::ConnectionPool& pool, metriport::MetriportClient& client,
                                     SharedPacer& pacer, ProcessorSettings settings,
                                     const std::atomic<bool>& stopping)
    : pool_(pool),
      client_(client),
      pacer_(pacer),
      settings_(std::move(settings)),
      stopping_(stopping),
      random_(std::random_device{}()) {}

awaitable<void> DeliveryProcessor::process(pg::ClaimedDelivery delivery) {
  try {
    co_await run_steps(delivery);
    co_return;
  } catch (const std::exception&) {
    // Exception text may quote SQL values or answer bytes: log only the delivery's id.
    log::error("relay.delivery_error", {{"delivery_id", id_text(delivery.id)}});
  }
  try {
    co_await move(delivery, DeliveryEvent::transient_failure,
                  std::string("internal error while relaying (see gateway log)"));
  } catch (const std::exception&) {
    log::error("relay.delivery_release_failed", {{"delivery_id", id_text(delivery.id)}});
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
    co_return co_await move(delivery, DeliveryEvent::permanent_failure,
                            std::string("the message has neither body nor attachments"));
  }
  const auto parts = static_cast<int>(plan.sends.size());
  delivery.sends = co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    DeliveryRepository::ensure_sends(tx, delivery.id, parts);
    auto sends = DeliveryRepository::sends_of(tx, delivery.id);
    tx.commit();
    return sends;
  });
  if (!co_await upload_documents(delivery, plan)) co_return false;
  if (!co_await move(delivery, DeliveryEvent::documents_ready)) co_return false;
  for (const auto& part : plan.sends) {
    if (!co_await send_part(delivery, part)) co_return false;
  }
  co_return true;
}

awaitable<bool> DeliveryProcessor::resolve_patient(pg::ClaimedDelivery& delivery) {
  if (!delivery.metriport_patient_id) {
    const auto cached = co_await pool_.run([&](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return DeliveryRepository::cached_patient(tx, delivery.patient_external_id,
                                                settings_.patient_cache_ttl);
    });
    bool fetched = false;
    if (cached) {
      delivery.metriport_patient_id = *cached;
    } else {
      const auto found = co_await client_.find_patient_by_external_id(delivery.patient_external_id);
      if (found.is_not_found()) {
        co_return co_await move(delivery, DeliveryEvent::permanent_failure,
                                std::string(patient_unknown_reason));
      }
      if (found.outcome != metriport::CallOutcome::success) {
        co_return co_await fail(delivery, failure_of(found, "patient lookup"));
      }
      delivery.metriport_patient_id = found.value->id;
      fetched = true;
    }
    co_await pool_.run([&](pqxx::connection& connection) {
      pqxx::work tx(connection);
      if (fetched) {
        DeliveryRepository::cache_patient(tx, delivery.patient_external_id,
                                          *delivery.metriport_patient_id);
      }
      DeliveryRepository::set_metriport_patient(tx, delivery.id, *delivery.metriport_patient_id);
      tx.commit();
    });
  }
  co_return co_await move(delivery, DeliveryEvent::patient_resolved);
}

awaitable<bool> DeliveryProcessor::upload_documents(pg::ClaimedDelivery& delivery,
                                                    const SendPlan& plan) {
  for (const auto& part : plan.sends) {
    const auto send = std::find_if(delivery.sends.begin(), delivery.sends.end(),
                                   [&](const auto& row) { return row.part == part.part; });
    // Documents of parts already sent (or whose send is in doubt) were uploaded before that send.
    if (send != delivery.sends.end() && send->status != "pending") continue;
    for (const auto& key : part.documents) {
      const auto* existing = find_document(delivery, key);
      if (existing != nullptr && existing->uploaded) continue;
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
      co_return co_await move(delivery, DeliveryEvent::permanent_failure,
                              std::string("planned attachment is missing from the message"));
    }
    content = co_await pool_.run([id = attachment->id](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return DeliveryRepository::attachment_content(tx, id);
    });
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
      co_return co_await fail(delivery, failure_of(created, "document reference"));
    }
    co_await pool_.run([&](pqxx::connection& connection) {
      pqxx::work tx(connection);
      DeliveryRepository::record_document(tx, delivery.id, key.attachment_id,
                                          created.value->document_reference_id);
      tx.commit();
    });
    const auto put =
        co_await client_.put_document(created.value->upload_url, reference.content_type, content);
    if (put.outcome == metriport::CallOutcome::success) {
      delivery.documents = co_await pool_.run([&](pqxx::connection& connection) {
        pqxx::work tx(connection);
        DeliveryRepository::mark_document_uploaded(tx, delivery.id, key.attachment_id);
        auto documents = DeliveryRepository::documents_of(tx, delivery.id);
        tx.commit();
        return documents;
      });
      co_return true;
    }
    const bool expired = put.reason.rfind("upload URL expired", 0) == 0;
    if (!expired || round == 1) co_return co_await fail(delivery, failure_of(put, "upload"));
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
  if (row == delivery.sends.end()) {
    throw std::logic_error("planned part has no delivery_sends row");
  }
  if (is_settled_send(*row)) co_return true;
  const pg::DeliverySendRow send = *row;
  const metriport::SendRequest request = request_for(delivery, part);

  if (send.status == "sending") {
    // An earlier attempt was written but its answer never came: Metriport may have it.
    const auto earlier = co_await find_earlier_send(delivery, send, request);
    if (!earlier) co_return false;  // the lookup failed; the failure is recorded
    if (!earlier->empty()) co_return co_await record_accepted(delivery, send, *earlier, true);
  }

  if (!co_await wait_for_send_slot(delivery)) co_return false;
  co_await pool_.run([id = send.id](pqxx::connection& connection) {
    pqxx::work tx(connection);
    DeliveryRepository::mark_send_started(tx, id);
    tx.commit();
  });
  const auto answer = co_await client_.send_message(request);
  const auto& limits = answer.rate_limit;
  if (answer.outcome == metriport::CallOutcome::rate_limited) {
    co_await pacer_.rate_limited(answer.retry_after);
  } else if (answer.http_status != 0) {
    std::optional<std::int64_t> reset;
    if (limits.reset) reset = limits.reset->count();
    co_await pacer_.answered(limits.limit, limits.remaining, reset);
  } else {
    co_await pacer_.unanswered();
  }
  if (answer.outcome == metriport::CallOutcome::success) {
    co_return co_await record_accepted(delivery, send, answer.value->id, false);
  }
  if (answer.outcome != metriport::CallOutcome::ambiguous) {
    // Refused or never written: Metriport has no such message, so the part is pending again.
    co_await pool_.run([id = send.id](pqxx::connection& connection) {
      pqxx::work tx(connection);
      DeliveryRepository::mark_send_pending(tx, id);
      tx.commit();
    });
  }
  co_return co_await fail(delivery, failure_of(answer, "send"));
}

awaitable<std::optional<std::string>> DeliveryProcessor::find_earlier_send(
    pg::ClaimedDelivery& delivery, const pg::DeliverySendRow& send,
    const metriport::SendRequest& request) {
  metriport::MessageListFilter filter;
  filter.patient_id = request.patient_id;
  filter.destination = request.destination;
  const auto listed = co_await client_.list_messages(filter);
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
    const bool taken = co_await pool_.run([&candidate](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return DeliveryRepository::is_known_message_id(tx, candidate);
    });
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

awaitable<bool> DeliveryProcessor::wait_for_send_slot(pg::ClaimedDelivery& delivery) {
  auto lease_renewed = std::chrono::steady_clock::now();
  for (;;) {
    const Reservation reservation = co_await pacer_.reserve();
    if (reservation.granted) co_return true;
    const auto wait = std::chrono::microseconds(
        std::max<std::int64_t>(0, reservation.not_before_micros - domain::now_epoch_micros()));
    if (stopping_) {
      // Shutting down: hand the delivery back for whoever runs next, with no attempt counted.
      co_return co_await move(delivery, DeliveryEvent::rate_limited,
                              std::string("waiting for a send slot at shutdown"),
                              std::chrono::duration_cast<std::chrono::milliseconds>(wait));
    }
    // Keep the lease while the backlog waits its turn.
    if (std::chrono::steady_clock::now() - lease_renewed > settings_.lease / 3) {
      const bool kept = co_await pool_.run([&](pqxx::connection& connection) {
        pqxx::work tx(connection);
        const bool held =
            DeliveryRepository::extend_lease(tx, delivery.id, settings_.instance, settings_.lease);
        tx.commit();
        return held;
      });
      if (!kept) {
        log::warn("relay.lease_lost", {{"delivery_id", id_text(delivery.id)}});
        co_return false;
      }
      lease_renewed = std::chrono::steady_clock::now();
    }
    co_await sleep_for(std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(wait),
                                  std::chrono::milliseconds(1), std::chrono::milliseconds(1000)));
  }
}

awaitable<bool> DeliveryProcessor::record_accepted(pg::ClaimedDelivery& delivery,
                                                   const pg::DeliverySendRow& send,
                                                   const std::string& metriport_message_id,
                                                   bool adopted) {
  bool all_accepted = true;
  for (const auto& other : delivery.sends) {
    if (other.part != send.part && !is_settled_send(other)) all_accepted = false;
  }
  const DeliveryState from = *parse_delivery_state(delivery.state);
  const Transition transition =
      next(from, DeliveryEvent::send_accepted, {delivery.attempts, settings_.retry.max_attempts});
  const std::string part_detail = "{\"part\":" + std::to_string(send.part) +
                                  ",\"parts\":" + std::to_string(send.parts) +
                                  ",\"metriport_message_id\":\"" + metriport_message_id +
                                  "\",\"adopted\":" + (adopted ? "true" : "false") + "}";
  const bool stored = co_await pool_.run([&](pqxx::connection& connection) {
    pqxx::work tx(connection);
    DeliveryRepository::mark_send_accepted(tx, send.id, metriport_message_id);
    pg::append_audit_event(
        tx, {"relay:" + settings_.instance, "delivery", id_text(delivery.id),
             adopted ? "delivery.send_adopted" : "delivery.send_recorded", part_detail});
    if (all_accepted) {
      pg::DeliveryChange change;
      change.delivery_id = delivery.id;
      change.from_state = delivery.state;
      change.to_state = std::string(to_text(transition.to));
      change.lease_holder = settings_.instance;
      change.lease = pg::LeaseChange::release;
      change.stamp_accepted = transition.actions.stamp_accepted;
      change.actor = "relay:" + settings_.instance;
      change.audit_event = std::string(transition.audit_event);
      change.audit_detail_json =
          audit_detail(delivery.state, change.to_state, delivery.attempts, std::nullopt);
      // A lost lease means another instance owns the delivery now: keep nothing of ours.
      if (!DeliveryRepository::apply(tx, change)) return false;
    }
    tx.commit();
    return true;
  });
  if (!stored) co_return false;
  for (auto& other : delivery.sends) {
    if (other.id == send.id) {
      other.status = "processing";
      other.metriport_message_id = metriport_message_id;
    }
  }
  if (all_accepted) delivery.state = std::string(to_text(transition.to));
  co_return true;
}

awaitable<bool> DeliveryProcessor::move(pg::ClaimedDelivery& delivery, DeliveryEvent event,
                                        std::optional<std::string> reason,
                                        std::optional<std::chrono::milliseconds> retry_after) {
  const auto from = parse_delivery_state(delivery.state);
  if (!from) throw std::logic_error("delivery in an unknown state");
  const Transition transition =
      next(*from, event, {delivery.attempts, settings_.retry.max_attempts});
  if (!transition.allowed) {
    log::error("relay.transition_refused",
               {{"delivery_id", id_text(delivery.id)}, {"state", delivery.state}});
    co_return false;
  }
  pg::DeliveryChange change;
  change.delivery_id = delivery.id;
  change.from_state = delivery.state;
  change.to_state = std::string(to_text(transition.to));
  if (is_in_flight(*from)) change.lease_holder = settings_.instance;
  if (transition.actions.release_lease) {
    change.lease = pg::LeaseChange::release;
  } else if (is_in_flight(transition.to)) {
    change.lease = pg::LeaseChange::take_or_extend;  // every step renews the lease
    change.new_lease_holder = settings_.instance;
    change.lease_length = settings_.lease;
  }
  change.count_attempt = transition.actions.count_attempt;
  change.reset_attempts = transition.actions.reset_attempts;
  const int attempts = change.reset_attempts  ? 0
                       : change.count_attempt ? delivery.attempts + 1
                                              : delivery.attempts;
  if (transition.actions.schedule_retry) {
    const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    const auto delay = retry_delay(std::max(attempts, 1), settings_.retry, unit, retry_after);
    change.next_attempt_at = domain::now_epoch_micros() +
                             std::chrono::duration_cast<std::chrono::microseconds>(delay).count();
  }
  if (transition.actions.record_reason && reason) change.reason = reason;
  change.stamp_accepted = transition.actions.stamp_accepted;
  change.stamp_completed = transition.actions.stamp_completed;
  change.actor = "relay:" + settings_.instance;
  change.audit_event = std::string(transition.audit_event);
  change.audit_detail_json = audit_detail(delivery.state, change.to_state, attempts,
                                          transition.actions.record_reason ? reason : std::nullopt);
  const bool applied = co_await pool_.run([&change](pqxx::connection& connection) {
    pqxx::work tx(connection);
    if (!DeliveryRepository::apply(tx, change)) return false;
    tx.commit();
    return true;
  });
  if (!applied) {
    log::warn("relay.lease_lost", {{"delivery_id", id_text(delivery.id)}});
    co_return false;
  }
  if (transition.to == DeliveryState::dead || transition.to == DeliveryState::retry_wait) {
    log::info(transition.to == DeliveryState::dead ? "relay.delivery_dead" : "relay.delivery_retry",
              {{"delivery_id", id_text(delivery.id)},
               {"attempts", std::to_string(attempts)},
               {"reason", reason.value_or("")}});
  }
  delivery.state = change.to_state;
  delivery.attempts = attempts;
  co_return !is_terminal(transition.to) && is_in_flight(transition.to);
}

awaitable<bool> DeliveryProcessor::fail(pg::ClaimedDelivery& delivery, Failure failure) {
  co_await move(delivery, failure.event, failure.reason, failure.retry_after);
  co_return false;
}

template <class T>
DeliveryProcessor::Failure DeliveryProcessor::failure_of(const metriport::CallResult<T>& result,
                                                         std::string_view step) {
  Failure failure{DeliveryEvent::transient_failure, std::string(step) + ": " + result.reason,
                  result.retry_after};
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
