// This process's view of the operators' relay pauses (relay_pauses), re-read from the database when
// older than max_age, so every worker can ask before each Metriport send without a query each time.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/relay_pause_store.hpp"

namespace relay::engine {

// A pause is honoured by every process within max_age (plus one query).
inline constexpr std::chrono::milliseconds pause_cache_max_age{1000};

class PauseGate {
 public:
  // store must outlive the gate.
  explicit PauseGate(pg::RelayPauseStore& store,
                     std::chrono::milliseconds max_age = pause_cache_max_age)
      : store_(store), max_age_(max_age) {}

  // Whether a pause covers the vendor (its own or the global one). Throws when the pauses cannot
  // be read (the caller treats it like any database failure).
  boost::asio::awaitable<bool> is_paused(std::int64_t vendor_id);

 private:
  pg::RelayPauseStore& store_;
  const std::chrono::milliseconds max_age_;
  std::mutex mutex_;  // workers run on several I/O threads
  pg::PauseSet pauses_;
  std::optional<std::chrono::steady_clock::time_point> loaded_at_;
};

}  // namespace relay::engine
