// The pool's bookkeeping on one strand: idle stacks per origin, in-use counts, FIFO waiters woken
// by handing them the released slot directly (no lost wake-ups, no overtaking by newcomers).
#include "adapters/metriport/connection_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <utility>
#include <vector>

namespace relay::metriport {
namespace asio = boost::asio;

namespace {
struct Waiter {
  explicit Waiter(asio::strand<asio::any_io_executor>& strand,
                  std::chrono::steady_clock::time_point deadline)
      : timer(strand, deadline) {}
  asio::steady_timer timer;
  bool granted = false;
  std::unique_ptr<Connection> handed;  // null: the slot only
};

struct Host {
  std::vector<std::unique_ptr<Connection>> idle;  // most recently used last
  std::size_t in_use = 0;
  std::deque<std::shared_ptr<Waiter>> waiters;
};
}  // namespace

struct ConnectionPool::State {
  State(asio::any_io_executor executor, std::size_t max, std::chrono::milliseconds idle)
      : strand(asio::make_strand(executor)),
        max_per_host(std::max<std::size_t>(max, 1)),
        idle_timeout(idle) {}

  asio::strand<asio::any_io_executor> strand;
  std::size_t max_per_host;
  std::chrono::milliseconds idle_timeout;
  std::unordered_map<std::string, Host> hosts;  // touched on `strand` only

  // On the strand: hands the slot to the first waiter, or frees it (keeping the connection).
  void release_on_strand(const std::string& key, std::unique_ptr<Connection> connection) {
    auto found = hosts.find(key);
    if (found == hosts.end()) return;
    Host& host = found->second;
    if (connection && !connection->reusable()) connection.reset();
    if (!host.waiters.empty()) {
      auto waiter = std::move(host.waiters.front());
      host.waiters.pop_front();
      waiter->granted = true;
      waiter->handed = std::move(connection);
      waiter->timer.cancel();
      return;
    }
    if (host.in_use > 0) --host.in_use;
    if (connection) host.idle.push_back(std::move(connection));
    if (host.idle.empty() && host.in_use == 0) hosts.erase(found);
  }
};

ConnectionPool::Lease::Lease(std::shared_ptr<State> state, std::string key,
                             std::unique_ptr<Connection> connection)
    : state_(std::move(state)), key_(std::move(key)), connection_(std::move(connection)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : state_(std::move(other.state_)),
      key_(std::move(other.key_)),
      connection_(std::move(other.connection_)) {}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release(nullptr);
    state_ = std::move(other.state_);
    key_ = std::move(other.key_);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

ConnectionPool::Lease::~Lease() {
  release(nullptr);
}

void ConnectionPool::Lease::release(std::unique_ptr<Connection> connection) {
  if (!state_) return;
  auto state = std::move(state_);
  connection_.reset();
  asio::post(state->strand,
             [state, key = std::move(key_), connection = std::move(connection)]() mutable {
               state->release_on_strand(key, std::move(connection));
             });
}

ConnectionPool::ConnectionPool(asio::any_io_executor executor, std::size_t max_per_host,
                               std::chrono::milliseconds idle_timeout)
    : state_(std::make_shared<State>(std::move(executor), max_per_host, idle_timeout)) {}

ConnectionPool::~ConnectionPool() = default;

asio::awaitable<std::optional<ConnectionPool::Lease>> ConnectionPool::acquire(
    const Origin& origin, Clock::time_point deadline) {
  co_return co_await asio::co_spawn(
      state_->strand, acquire_on_strand(state_, origin.key(), deadline), asio::use_awaitable);
}

asio::awaitable<std::optional<ConnectionPool::Lease>> ConnectionPool::acquire_on_strand(
    std::shared_ptr<State> state, std::string key, Clock::time_point deadline) {
  const auto now = std::chrono::steady_clock::now();
  Host& host = state->hosts[key];
  while (!host.idle.empty()) {
    std::unique_ptr<Connection> connection = std::move(host.idle.back());
    host.idle.pop_back();
    if (now - connection->idle_since() < state->idle_timeout && connection->looks_alive()) {
      ++host.in_use;
      co_return Lease(state, key, std::move(connection));
    }
  }
  if (host.in_use < state->max_per_host) {
    ++host.in_use;
    co_return Lease(state, key, nullptr);
  }
  if (now >= deadline) co_return std::nullopt;
  auto waiter = std::make_shared<Waiter>(state->strand, deadline);
  host.waiters.push_back(waiter);
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (waiter->granted) co_return Lease(state, key, std::move(waiter->handed));
  // Deadline: leave the queue (the entry is still there, nobody granted it).
  auto found = state->hosts.find(key);
  if (found != state->hosts.end()) {
    auto& waiters = found->second.waiters;
    waiters.erase(std::remove(waiters.begin(), waiters.end(), waiter), waiters.end());
  }
  co_return std::nullopt;
}

}  // namespace relay::metriport
