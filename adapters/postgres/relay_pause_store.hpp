// Pauses of relaying, for everyone or for one vendor (relay_pauses): set and lifted by operators
// (audited), listed for the operations API, and read by every relay process before its sends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "adapters/postgres/connection_pool.hpp"
#include "gateway/domain/message.hpp"

namespace relay::pg {

struct RelayPause {
  std::optional<std::string> vendor;  // nullopt: every vendor
  std::string paused_by;              // the actor: "operator:<name>" or "cli"
  domain::EpochMicros paused_at = 0;
};

// What the relay must not send for: everything (global) or these vendors.
struct PauseSet {
  bool global = false;
  std::vector<std::int64_t> vendor_ids;
  bool covers(std::int64_t vendor_id) const;
};

enum class PauseChange { changed, unchanged, unknown_vendor };

class RelayPauseStore {
 public:
  explicit RelayPauseStore(ConnectionPool& pool) : pool_(pool) {}

  // Adds the pause (vendor nullopt: global); unchanged when it exists already. Audited either way
  // ("relay.paused", with whether it changed anything); nothing is written for an unknown vendor.
  boost::asio::awaitable<PauseChange> pause(const std::optional<std::string>& vendor,
                                            const std::string& actor);
  // Lifts that one pause (a vendor's resume leaves a global pause, and the reverse); audited as
  // "relay.resumed"; wakes the relay (NOTIFY after the commit) when it lifted one.
  boost::asio::awaitable<PauseChange> resume(const std::optional<std::string>& vendor,
                                             const std::string& actor);
  boost::asio::awaitable<std::vector<RelayPause>> list();

  // The pauses in force now (the relay's per-process cache reads this).
  boost::asio::awaitable<PauseSet> active();

 private:
  ConnectionPool& pool_;
};

}  // namespace relay::pg
