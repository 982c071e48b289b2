// Connection bookkeeping for ConnectionPool: lazy connects, at most `size` open connections,
// waiting when all are leased, and replacing connections that broke (checked before each reuse).
#include "adapters/postgres/connection_pool.hpp"

#include <poll.h>

#include <stdexcept>
#include <utility>

namespace relay::pg {
namespace {

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

ConnectionPool::ConnectionPool(std::string url, std::size_t size)
    : url_(std::move(url)), size_(size == 0 ? 1 : size), threads_(size_) {}

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
    if (open_ < size_) {
      ++open_;
      lock.unlock();
      try {
        return std::make_unique<pqxx::connection>(url_);
      } catch (...) {
        lock.lock();
        --open_;
        lock.unlock();
        available_.notify_one();
        throw;
      }
    }
    available_.wait(lock);
  }
}

void ConnectionPool::release(std::unique_ptr<pqxx::connection> connection, bool healthy) {
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
