// What the acceptor and every connection share: settings, handler, precheck, connections, body
// budget and shutdown bookkeeping. Held by shared_ptr so sessions may outlive the Server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/http/body_budget.hpp"
#include "gateway/http/http_types.hpp"

namespace relay::http {

class Session;

class ServerState : public std::enable_shared_from_this<ServerState> {
 public:
  ServerState(boost::asio::io_context& io, config::HttpSettings settings, RequestHandler handler,
              TransportErrorResponder on_error, RequestPrecheck precheck, BodyLimits body_limits,
              TransportHints hints);

  boost::asio::io_context& io;
  const config::HttpSettings settings;
  const RequestHandler handler;
  const TransportErrorResponder on_error;
  const RequestPrecheck precheck;  // may be empty
  const BodyLimits body_limits;
  const TransportHints hints;
  BodyBudget shared_budget;    // body_limits.max_inflight_body_bytes, per client too
  BodyBudget reserved_budget;  // body_limits.reserved_lane_bytes, per client too
  BodyBudget& budget(BodyLane lane) {
    return lane == BodyLane::reserved ? reserved_budget : shared_budget;
  }

  // The acceptor and the grace timer are only touched on this strand.
  boost::asio::strand<boost::asio::io_context::executor_type> strand;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::steady_timer grace_timer;

  std::atomic<bool> started{false};
  std::atomic<bool> shutting_down{false};
  std::atomic<std::uint16_t> port{0};
  std::atomic<std::size_t> rejecting{0};  // connections being answered 503
  std::atomic<std::uint64_t> next_id{1};

  std::size_t active() const { return active_.load(); }

  // Registry of live sessions; active() counts them. Thread-safe.
  void add(std::uint64_t id, const std::shared_ptr<Session>& session);
  void remove(std::uint64_t id);
  std::vector<std::shared_ptr<Session>> snapshot();

  // At the connection cap: picks a connection that can go without harm and tells it to close, so
  // a newcomer can be served. A connection that never sent a byte goes first (the oldest), then
  // the longest idle keep-alive connection. False when every connection is mid-request.
  bool evict_one();

  // Stores the drain callback; it is posted to the io_context once, by whichever comes first of
  // finish_drain_if_idle() seeing no session, or take_drain_callback() at the end of the grace
  // period.
  void set_drain_callback(std::function<void()> on_drained);
  void finish_drain_if_idle();
  std::function<void()> take_drain_callback();

 private:
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
  std::atomic<std::size_t> active_{0};
  std::function<void()> on_drained_;
};

}  // namespace relay::http
