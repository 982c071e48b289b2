// Connection bookkeeping for ConnectionPool: lazy connects, at most `size` open connections,
// waiting when all are leased, replacing connections that broke (checked before each reuse), and
// failing fast while the database is unreachable.
#include "adapters/postgres/connection_pool.hpp"

#include <poll.h>

#include <stdexcept>
#include <utility>

#include "adapters/postgres/connection_string.hpp"

namespace relay::pg {
namespace {

// After a failed connection attempt, new attempts wait this long (callers fail meanwhile).
constexpr std::chrono::seconds reconnect_pause{1};

// An idle connection has nothing to read unless the server spoke on its own, which in practice
// means the FATAL message and EOF of a terminated backend (libpq only notices the EOF on a later
// read). Such a connection is replaced rather than diagnosed.
bool still_usable(const pqxx::connection& connection) {
  if (!connection.is_open()) return false;
  const int socket = connection.sock();
  if (socket < 0) return false;
  pollfd descriptor{socket, POLLIN, 0};
  return ::poll(&descriptor, 1, 0) == 0;
}

}  // namespace

ConnectionPool::ConnectionPool(std::string url, std::size_t size, PoolObserver* observer)
    : url_(with_default_connect_timeout(url)),
      size_(size == 0 ? 1 : size),
      observer_(observer),
      threads_(size_) {}

ConnectionPool::~ConnectionPool() {
  stop();
}

std::unique_ptr<pqxx::connection> ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopped_) throw std::logic_error("connection pool used after stop()");
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (still_usable(*connection)) return connection;
      connection.reset();  // closes it, outside the lock
      lock.lock();
      --open_;
      continue;
    }
    if (open_ < size_) return connect(lock);
    available_.wait(lock);
  }
}

// Called with the lock held and a free slot; returns (or throws) with the lock released.
std::unique_ptr<pqxx::connection> ConnectionPool::connect(std::unique_lock<std::mutex>& lock) {
  if (unreachable_ && (connecting_ > 0 || Clock::now() - last_connect_failure_ < reconnect_pause)) {
    lock.unlock();
    throw pqxx::broken_connection("database unreachable (a recent connection attempt failed)");
  }
  ++open_;
  ++connecting_;
  lock.unlock();
  try {
    auto connection = std::make_unique<pqxx::connection>(url_);
    lock.lock();
    --connecting_;
    unreachable_ = false;
    lock.unlock();
    return connection;
  } catch (...) {
    lock.lock();
    --open_;
    --connecting_;
    unreachable_ = true;
    last_connect_failure_ = Clock::now();
    lock.unlock();
    available_.notify_one();
    throw;
  }
}

void ConnectionPool::release(std::unique_ptr<pqxx::connection> connection, bool healthy) {
  if (observer_ != nullptr) observer_->on_released();
  std::unique_ptr<pqxx::connection> discarded;
  {
    std::lock_guard lock(mutex_);
    if (healthy && connection && connection->is_open() && !stopped_) {
      idle_.push_back(std::move(connection));
    } else {
      discarded = std::move(connection);
      if (open_ > 0) --open_;
    }
  }
  available_.notify_one();
}  // `discarded` closes here, outside the lock

void ConnectionPool::stop() {
  threads_.join();  // runs what was queued; a second call returns at once
  std::vector<std::unique_ptr<pqxx::connection>> closing;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    closing.swap(idle_);
    open_ -= closing.size();
  }
  available_.notify_all();
}  // `closing` disconnects here, outside the lock

}  // namespace relay::pg
