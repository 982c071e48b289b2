// Everything the simulator remembers, behind one mutex: settings, fault dice, the send window,
// documents, messages and the received log; plus the JSON views the control API serves.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <mutex>

#include "tests/simulator/document_store.hpp"
#include "tests/simulator/message_store.hpp"
#include "tests/simulator/random_source.hpp"
#include "tests/simulator/rate_window.hpp"
#include "tests/simulator/received_log.hpp"
#include "tests/simulator/settings.hpp"

namespace relay::sim {

struct SimState {
  std::mutex mutex;  // guards every member below
  Settings settings;
  FaultDice dice;
  FixedWindowCounter send_window;
  DocumentStore documents;
  MessageStore messages;
  ReceivedLog log;
  // Bumped by reset: scheduled webhook events of an older generation are abandoned.
  std::uint64_t generation = 0;

  // Clears records and counters and restarts the send window; settings stay.
  void reset();

  // GET /_sim/received: lookups, documents, sends, messages (Message shape), webhooks, counters.
  boost::json::object received_json() const;
};

}  // namespace relay::sim
