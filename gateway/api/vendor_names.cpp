// The name set behind VendorNames: one refresh at a time (a flag under the mutex), waiters poll
// on a timer until a refresh that began after them has completed, bounded by a deadline.
#include "gateway/api/vendor_names.hpp"

#include <exception>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "adapters/postgres/vendor_repository.hpp"

namespace relay::api {
namespace {
// How often a caller waiting for a refresh in progress looks whether it has completed.
constexpr std::chrono::milliseconds poll_step{25};
// Past this (a very slow database), the name is answered from the names in memory.
constexpr std::chrono::seconds longest_wait{10};
}  // namespace

VendorNames::VendorNames(pg::ConnectionPool& pool, std::chrono::milliseconds min_refresh_interval)
    : pool_(pool), min_refresh_interval_(min_refresh_interval) {}

boost::asio::awaitable<bool> VendorNames::contains(const std::string& name) {
  const auto arrived = Clock::now();
  const auto deadline = arrived + min_refresh_interval_ + longest_wait;
  const auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor);
  while (Clock::now() < deadline) {
    std::optional<Clock::time_point> refresh_started;
    Clock::time_point wake;
    {
      std::lock_guard lock(mutex_);
      if (names_.contains(name)) co_return true;
      if (fresh_as_of_ && *fresh_as_of_ >= arrived) co_return false;
      const auto now = Clock::now();
      if (!refreshing_ && (!last_started_ || now - *last_started_ >= min_refresh_interval_)) {
        refreshing_ = true;
        last_started_ = now;
        refresh_started = now;
      } else {
        wake = refreshing_ ? now + poll_step : *last_started_ + min_refresh_interval_;
      }
    }
    if (refresh_started) {
      co_await refresh(*refresh_started);
      continue;
    }
    timer.expires_at(std::min(wake, deadline));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  std::lock_guard lock(mutex_);
  co_return names_.contains(name);
}

boost::asio::awaitable<void> VendorNames::refresh(Clock::time_point started) {
  std::vector<std::string> names;
  std::exception_ptr failure;
  try {
    names = co_await pool_.run([](pqxx::connection& connection) {
      pqxx::read_transaction tx(connection);
      return pg::VendorRepository::list_names(tx);
    });
  } catch (...) {
    failure = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    refreshing_ = false;
    if (!failure) {
      names_ = std::unordered_set<std::string>(names.begin(), names.end());
      fresh_as_of_ = started;
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace relay::api
