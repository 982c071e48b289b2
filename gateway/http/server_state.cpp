// Registry, eviction and drain bookkeeping under one mutex; the drain callback is moved out exactly
// once so on_drained runs once however the last session, the grace timer and shutdown interleave.
#include "gateway/http/server_state.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <utility>

#include "gateway/http/session.hpp"

namespace relay::http {

ServerState::ServerState(boost::asio::io_context& io_context, config::HttpSettings http_settings,
                         RequestHandler request_handler, TransportErrorResponder error_responder,
                         RequestPrecheck request_precheck, BodyLimits limits,
                         TransportHints transport_hints)
    : io(io_context),
      settings(std::move(http_settings)),
      handler(std::move(request_handler)),
      on_error(std::move(error_responder)),
      precheck(std::move(request_precheck)),
      body_limits(limits),
      hints(std::move(transport_hints)),
      shared_budget(limits.max_inflight_body_bytes, limits.max_body_bytes_per_client),
      reserved_budget(limits.reserved_lane_bytes, limits.reserved_lane_bytes_per_client),
      strand(boost::asio::make_strand(io_context)),
      acceptor(strand),
      grace_timer(strand) {}

void ServerState::add(std::uint64_t id, const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(id, session);
  active_ = sessions_.size();
}

void ServerState::remove(std::uint64_t id) {
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
    active_ = sessions_.size();
  }
  finish_drain_if_idle();
}

std::vector<std::shared_ptr<Session>> ServerState::snapshot() {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(mutex_);
  out.reserve(sessions_.size());
  for (const auto& [id, weak] : sessions_) {
    if (auto session = weak.lock()) out.push_back(std::move(session));
  }
  return out;
}

bool ServerState::evict_one() {
  // Candidates are claimed with a compare-and-swap on their phase, so a connection that starts a
  // request at this moment is never cut, and none is claimed twice.
  for (const auto phase : {Session::Phase::awaiting_first_byte, Session::Phase::idle}) {
    std::vector<std::shared_ptr<Session>> candidates;
    for (auto& session : snapshot()) {
      if (session->phase() == phase) candidates.push_back(std::move(session));
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const auto& a, const auto& b) { return a->waiting_since() < b->waiting_since(); });
    for (auto& session : candidates) {
      if (!session->claim_for_eviction(phase)) continue;
      boost::asio::post(session->executor(), [session] { session->evict(); });
      return true;
    }
  }
  return false;
}

void ServerState::set_drain_callback(std::function<void()> on_drained) {
  std::lock_guard lock(mutex_);
  on_drained_ = std::move(on_drained);
}

std::function<void()> ServerState::take_drain_callback() {
  std::lock_guard lock(mutex_);
  return std::exchange(on_drained_, nullptr);
}

void ServerState::finish_drain_if_idle() {
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    if (!shutting_down || !sessions_.empty() || !on_drained_) return;
    callback = std::exchange(on_drained_, nullptr);
  }
  // Stop the grace timer so a drained server leaves the io_context with nothing to wait for.
  boost::asio::post(strand, [self = shared_from_this()] { self->grace_timer.cancel(); });
  boost::asio::post(io, std::move(callback));
}

}  // namespace relay::http
